using System.Net.Http.Json;
using ImageSearch.Api.Contracts;
using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Tests.Embedding;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.Tests.Api;

/// <summary>
/// A private, writable copy of <see cref="ApiTestCatalog"/> (photos, catalog, index) for hot-reload tests, and a second
/// build over a subset of it (the Blazers and Dresses only) that a test can deploy over it as 'build-index build' does.
/// </summary>
internal sealed class ReloadableCatalog
{
    public static readonly string[] SubsetCategories = ["Blazer", "Dress"];

    private static readonly Lazy<Files> Subset = new(BuildSubset);

    private ReloadableCatalog(string folder)
    {
        Folder = folder;
        Original = Files.Read(folder);
    }

    public string Folder { get; }

    public string CatalogPath => Path.Combine(Folder, "products.csv");

    public string IndexPath => Path.Combine(Folder, "index.csv");

    /// <summary>The files as copied: the full test catalog and its index.</summary>
    public Files Original { get; }

    /// <summary>The subset catalog and an index built from it.</summary>
    public static Files SubsetBuild => Subset.Value;

    public static ReloadableCatalog Create()
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-reload-").FullName;
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(ApiTestCatalog.CatalogPath)!))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return new ReloadableCatalog(folder);
    }

    /// <summary>The API over this copy, reloading quickly.</summary>
    public ApiFactory Factory(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ImageSearch:CatalogPath"] = CatalogPath,
            ["ImageSearch:IndexPath"] = IndexPath,
            ["ImageSearch:Reload:Debounce"] = "00:00:00.2",
            ["ImageSearch:Reload:PollInterval"] = "00:00:01",
            ["ImageSearch:RateLimit:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return new ApiFactory(all);
    }

    /// <summary>Deploys a build the way 'build-index build' does: the catalog, then index.bin, index.csv and last its metadata, each renamed into place.</summary>
    public void Deploy(Files files)
    {
        ReplaceAtomically(CatalogPath, files.Catalog);
        if (files.Binary is not null)
        {
            ReplaceAtomically(Path.ChangeExtension(IndexPath, ".bin"), files.Binary);
        }

        ReplaceAtomically(IndexPath, files.Index);
        ReplaceAtomically(IndexMetadata.PathFor(IndexPath), files.Metadata);
    }

    /// <summary>Writes a file next to the target and renames it over the target.</summary>
    public static void ReplaceAtomically(string path, byte[] bytes)
    {
        var temporary = path + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Polls /stats until the condition holds; fails after the timeout.</summary>
    public static async Task<StatsResponse> WaitForStatsAsync(HttpClient client, Func<StatsResponse, bool> condition, string what, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        StatsResponse? stats = null;
        while (DateTime.UtcNow < deadline)
        {
            stats = await client.GetFromJsonAsync<StatsResponse>("/stats");
            if (stats is not null && condition(stats))
            {
                return stats;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Timed out waiting for {what}; last stats: {stats}");
        return stats!;
    }

    public static async Task WaitForLogAsync(ApiFactory factory, string fragment, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (factory.Logs.Any(l => l.Contains(fragment, StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Timed out waiting for a log line with '{fragment}'.");
    }

    private static Files BuildSubset()
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-subset-").FullName;
        var source = Path.GetDirectoryName(ApiTestCatalog.CatalogPath)!;
        var lines = File.ReadAllLines(ApiTestCatalog.CatalogPath);
        var kept = lines.Skip(1).Where(l => SubsetCategories.Contains(l.Split(',')[2], StringComparer.Ordinal)).ToList();
        foreach (var line in kept)
        {
            var image = line.Split(',')[4];
            File.Copy(Path.Combine(source, image), Path.Combine(folder, image));
        }

        var catalogPath = Path.Combine(folder, "products.csv");
        File.WriteAllLines(catalogPath, [lines[0], .. kept]);
        var indexPath = Path.Combine(folder, "index.csv");
        using var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        var builder = new IndexBuilder(embedder, new CatalogImageLoader(), NullLogger<IndexBuilder>.Instance);
        var result = builder.BuildAsync(CatalogReader.Read(catalogPath), indexPath, new IndexBuildOptions()).GetAwaiter().GetResult();
        if (!result.Written || result.Built != kept.Count)
        {
            throw new InvalidOperationException($"The subset index was not built: {result.Built} of {kept.Count} rows.");
        }

        return Files.Read(folder);
    }

    /// <summary>A catalog, its index (CSV and, when built, binary) and the index's metadata, as bytes.</summary>
    internal sealed record Files(byte[] Catalog, byte[] Index, byte[] Metadata, byte[]? Binary)
    {
        public static Files Read(string folder) => new(
            File.ReadAllBytes(Path.Combine(folder, "products.csv")),
            File.ReadAllBytes(Path.Combine(folder, "index.csv")),
            File.ReadAllBytes(Path.Combine(folder, "index.csv.meta.json")),
            File.Exists(Path.Combine(folder, "index.bin")) ? File.ReadAllBytes(Path.Combine(folder, "index.bin")) : null);

        public int ProductCount => System.Text.Encoding.UTF8.GetString(Catalog).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
    }
}
