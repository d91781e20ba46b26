using ImageSearch.Core.Catalog;

namespace ImageSearch.Tests.Catalog;

public sealed class CatalogReaderTests
{
    private const string Header = "id,name,category,price,image_url";

    [Test]
    public void Reads_every_product_with_extra_columns_passed_through()
    {
        var catalog = Read($"{Header},group,brand\nA1,Red Shirt,Shirt,19.99,images/a.jpg,Shirt-1,Acme\nA2,Blue Cap,Hat,,https://example.com/b.jpg,,\n");

        Assert.That(catalog.Products.Select(p => p.Id), Is.EqualTo(new[] { "A1", "A2" }));
        var first = catalog.Products[0];
        Assert.That((first.Name, first.Category, first.Price, first.Line), Is.EqualTo(("Red Shirt", "Shirt", 19.99m, 2)));
        Assert.That(first.Group, Is.EqualTo("Shirt-1"));
        Assert.That(first.Extra["brand"], Is.EqualTo("Acme"));
        Assert.That(catalog.Products[1].Price, Is.Null, "an empty price is allowed");
        Assert.That(catalog.ExtraColumns, Is.EqualTo(new[] { "group", "brand" }));
        Assert.That(catalog.Sha256, Has.Length.EqualTo(64));
    }

    [Test]
    public void A_missing_required_column_is_reported_on_line_1()
    {
        var error = ReadFails("id,name,price,image_url\nA1,x,1,a.jpg\n");

        Assert.That(error.Errors.Single().Line, Is.EqualTo(1));
        Assert.That(error.Errors.Single().Message, Does.Contain("category"));
    }

    [Test]
    public void Empty_and_duplicate_ids_and_empty_image_urls_are_reported_with_their_lines()
    {
        var error = ReadFails($"{Header}\nA1,x,Hat,1,a.jpg\n,y,Hat,1,b.jpg\nA1,z,Hat,1,c.jpg\nA3,w,Hat,1,\n");

        Assert.That(error.Errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "line 3: empty id",
            "line 4: duplicate id 'A1' (first on line 2)",
            "line 5: empty image_url for id 'A3'",
        }));
    }

    [TestCase("12,99")]
    [TestCase("abc")]
    [TestCase("1e5")]
    [TestCase("-3")]
    public void A_price_that_is_not_a_non_negative_number_is_reported(string price)
    {
        var error = ReadFails($"{Header}\nA1,x,Hat,\"{price}\",a.jpg\n");

        Assert.That(error.Errors.Single().Line, Is.EqualTo(2));
        Assert.That(error.Errors.Single().Message, Does.Contain("price"));
    }

    [Test]
    public void Bad_quoting_and_wrong_field_counts_are_reported_with_their_lines()
    {
        var error = ReadFails($"{Header}\nA1,\"multi\nline\",Hat,1,a.jpg\nA2,bad\"quote,Hat,1,b.jpg\nA3,x,Hat\nA4,y,Hat,1,d.jpg\n");

        Assert.That(error.Errors.Select(e => e.Line), Is.EqualTo(new[] { 4, 5 }), "the quoted line break makes A1 span lines 2-3");
        Assert.That(error.Errors[0].Message, Does.Contain("quot"));
        Assert.That(error.Errors[1].Message, Does.Contain("number of fields"));
    }

    [Test]
    public void An_unsupported_url_scheme_is_reported()
    {
        var error = ReadFails($"{Header}\nA1,x,Hat,1,ftp://example.com/a.jpg\n");

        Assert.That(error.Errors.Single().Message, Does.Contain("ftp"));
    }

    [Test]
    public void Image_locations_are_relative_to_the_catalog_folder_absolute_or_urls()
    {
        var catalog = Read($"{Header}\nA1,x,Hat,1,images/a.jpg\nA2,y,Hat,1,/srv/photos/b.jpg\nA3,z,Hat,1,https://example.com/c.jpg?size=2\n");

        var folder = Path.GetDirectoryName(catalog.Path)!;
        Assert.That(catalog.LocateImage(catalog.Products[0]).FilePath, Is.EqualTo(Path.Combine(folder, "images", "a.jpg")));
        Assert.That(catalog.LocateImage(catalog.Products[1]).FilePath, Is.EqualTo("/srv/photos/b.jpg"));
        Assert.That(catalog.LocateImage(catalog.Products[2]).Url, Is.EqualTo(new Uri("https://example.com/c.jpg?size=2")));
    }

    [Test]
    public void An_empty_file_is_reported()
    {
        Assert.That(ReadFails(string.Empty).Errors.Single().Message, Does.Contain("empty"));
    }

    [Test]
    public void The_sample_catalog_reads_cleanly()
    {
        var catalog = CatalogReader.Read(Path.Combine(TestData.DatasetsFolder, "clothing", "products.csv"));

        Assert.That(catalog.Count, Is.EqualTo(1331));
        Assert.That(catalog.Products.Select(p => p.Category).Distinct().Count(), Is.EqualTo(17));
    }

    internal static ProductCatalog Read(string text) => CatalogReader.Read(Write(text));

    internal static string Write(string text)
    {
        var directory = Directory.CreateTempSubdirectory("imagesearch-catalog-").FullName;
        var path = Path.Combine(directory, "products.csv");
        File.WriteAllText(path, text);
        return path;
    }

    private static CatalogFormatException ReadFails(string text) =>
        Assert.Throws<CatalogFormatException>(() => Read(text))!;
}
