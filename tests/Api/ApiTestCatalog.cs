using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Tests.Embedding;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.Tests.Api;

/// <summary>
/// The catalog the API tests search: 20 real clothing photos (the first 4 of 5 categories, one without a price) and
/// one product whose image is a remote URL, indexed once per test run with the prepared model. The remote row cannot
/// be fetched (no fetcher), so the index is built with skip-failed and holds the 20 photos.
/// </summary>
internal static class ApiTestCatalog
{
    public static readonly string[] Categories = ["Blazer", "Dress", "Shoes", "Hat", "T-Shirt"];

    public const string RemoteId = "R0001";

    public const string RemoteImageUrl = "https://images.example.com/hat.jpg";

    /// <summary>The product whose price is left empty.</summary>
    public const string UnpricedId = "C0004";

    private static readonly Lazy<(string Catalog, string Index)> Built = new(Build);

    public static string CatalogPath => Built.Value.Catalog;

    public static string IndexPath => Built.Value.Index;

    public static ProductCatalog Catalog() => CatalogReader.Read(CatalogPath);

    public static IndexFile Index() => IndexFile.Load(IndexPath);

    /// <summary>The photo of a catalog product (a copy in the catalog's folder).</summary>
    public static string PhotoOf(string id)
    {
        var catalog = Catalog();
        return catalog.LocateImage(catalog.Find(id)!).FilePath!;
    }

    private static (string Catalog, string Index) Build()
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-api-").FullName;
        var lines = new List<string> { "id,name,category,price,image_url" };
        var rows = File.ReadLines(Path.Combine(TestData.DatasetsFolder, "clothing", "products.csv")).Skip(1).Select(l => l.Split(','));
        foreach (var category in Categories)
        {
            foreach (var fields in rows.Where(f => f[2] == category).Take(4))
            {
                var image = Path.GetFileName(fields[4]);
                File.Copy(Path.Combine(TestData.DatasetsFolder, "clothing", fields[4]), Path.Combine(folder, image));
                var price = fields[0] == UnpricedId ? string.Empty : fields[3];
                lines.Add($"{fields[0]},{fields[1]},{fields[2]},{price},{image}");
            }
        }

        lines.Add($"{RemoteId},Remote Hat,Hat,9.99,{RemoteImageUrl}");
        var catalogPath = Path.Combine(folder, "products.csv");
        File.WriteAllLines(catalogPath, lines);
        if (!lines.Any(l => l.StartsWith(UnpricedId + ",", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"The clothing sample no longer has {UnpricedId} among the first Blazers.");
        }

        var indexPath = Path.Combine(folder, "index.csv");
        using var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        var builder = new IndexBuilder(embedder, new CatalogImageLoader(), NullLogger<IndexBuilder>.Instance);
        // Without calibration (score = clamped cosine) until the API reports calibrated scores: these tests pin the
        // API's mechanics (thresholds, filters, ordering) against brute-force cosines.
        var result = builder.BuildAsync(CatalogReader.Read(catalogPath), indexPath, new IndexBuildOptions { SkipFailed = true, Calibration = null }).GetAwaiter().GetResult();
        if (!result.Written || result.Built != 20)
        {
            throw new InvalidOperationException($"The API test index was not built: {result.Built} rows, failures: {string.Join("; ", result.Failures.Select(f => f.Reason))}");
        }

        return (catalogPath, indexPath);
    }
}
