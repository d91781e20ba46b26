using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using ImageSearch.Tests.Catalog;
using ImageSearch.Core.LinearAlgebra;
using ImageSearch.Core.Query.Embedding;

namespace ImageSearch.Tests.Search;

public sealed class CatalogSnapshotTests
{
    // Five products in 2-d: the query (1, 0) scores A 1.0, B 0.8, C 0.6, D 0.0, E -1.0.
    private static readonly (string Id, string Category, string Price, float X, float Y)[] Rows =
    [
        ("A", "Hat", "10", 1f, 0f),
        ("B", "Hat", "20", 0.8f, 0.6f),
        ("C", "Shoes", "30", 0.6f, 0.8f),
        ("D", "Shoes", "", 0f, 1f),
        ("E", "Bag", "50", -1f, 0f),
    ];

    private static readonly float[] Query = [1f, 0f];

    [Test]
    public void Search_returns_the_best_products_first_down_to_the_threshold()
    {
        var service = Service();

        var matches = service.Search(QueryEmbedding.Features(Query), new SearchRequest(TopK: 10, Threshold: 0.5f));

        Assert.That(matches.Select(m => m.Product.Id), Is.EqualTo(new[] { "A", "B", "C" }));
        Assert.That(matches.Select(m => m.Similarity), Is.EqualTo(new[] { 1f, 0.8f, 0.6f }).Within(1e-6f));
    }

    [Test]
    public void A_filter_applies_inside_the_scan_so_the_top_k_is_of_matching_products()
    {
        var service = Service();
        var shoes = new ProductFilter { Categories = ProductFilter.CategorySet(["shoes"]) };

        var matches = service.Search(QueryEmbedding.Features(Query), new SearchRequest(TopK: 2, Threshold: -1f, shoes));

        Assert.That(matches.Select(m => m.Product.Id), Is.EqualTo(new[] { "C", "D" }), "the unfiltered top 2 (A, B) hold no shoes");
    }

    [Test]
    public void A_price_range_is_inclusive_and_never_matches_a_product_without_a_price()
    {
        var service = Service();

        var matches = service.Search(QueryEmbedding.Features(Query), new SearchRequest(10, -1f, new ProductFilter { MinPrice = 20m, MaxPrice = 50m }));
        var anyPrice = service.Search(QueryEmbedding.Features(Query), new SearchRequest(10, -1f, new ProductFilter { MinPrice = 0m }));

        Assert.That(matches.Select(m => m.Product.Id), Is.EqualTo(new[] { "B", "C", "E" }));
        Assert.That(anyPrice.Select(m => m.Product.Id), Does.Not.Contain("D"));
    }

    [Test]
    public void The_excluded_product_is_left_out_without_shortening_the_results()
    {
        var service = Service();

        var matches = service.Search(service.VectorOf("A")!, new SearchRequest(2, -1f, ExcludeId: "A"));

        Assert.That(matches.Select(m => m.Product.Id), Is.EqualTo(new[] { "B", "C" }));
    }

    [Test]
    public void An_index_row_the_catalog_lacks_is_refused()
    {
        var catalog = Catalog();
        var index = Index(["A", "Z"], [1f, 0f, 0f, 1f]);

        var e = Assert.Throws<IndexFormatException>(() => _ = new CatalogSnapshot(catalog, index));

        Assert.That(e!.Message, Does.Contain("'Z'").And.Contain("another catalog"));
    }

    [Test]
    public void Products_missing_from_the_index_are_in_the_catalog_but_have_no_vector()
    {
        var service = new CatalogSnapshot(Catalog(), Index(["A", "B"], [1f, 0f, 0.8f, 0.6f]));

        Assert.That((service.Catalog.Count, service.IndexedCount), Is.EqualTo((5, 2)));
        Assert.That(service.VectorOf("E"), Is.Null);
        Assert.That(service.Search(QueryEmbedding.Features(Query), new SearchRequest(10, -1f)).Select(m => m.Product.Id), Is.EqualTo(new[] { "A", "B" }));
    }

    private static CatalogSnapshot Service() =>
        new(Catalog(), Index([.. Rows.Select(r => r.Id)], [.. Rows.SelectMany(r => new[] { r.X, r.Y })]));

    private static ProductCatalog Catalog() => CatalogReader.Read(CatalogReaderTests.Write(
        "id,name,category,price,image_url\n" + string.Concat(Rows.Select(r => $"{r.Id},{r.Id} name,{r.Category},{r.Price},{r.Id}.jpg\n"))));

    private static IndexFile Index(string[] ids, float[] vectors) => new(
        "/tmp/index.csv",
        new IndexMetadata
        {
            ModelSha256 = new string('0', 64),
            Preprocessing = "imagenet-bilinear256-crop224",
            Dimension = 2,
            RowCount = ids.Length,
            CatalogSha256 = new string('1', 64),
            CatalogPath = "products.csv",
            BuiltAt = DateTimeOffset.UnixEpoch,
            IndexBytes = 0,
            ImageSha256 = ids.ToDictionary(id => id, _ => new string('2', 64)),
        },
        new StoredVectors(ids, new VectorRows(vectors, 2)));
}
