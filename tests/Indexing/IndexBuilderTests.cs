using System.Numerics.Tensors;
using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Fetching;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using ImageSearch.Tests.Catalog;
using ImageSearch.Tests.Embedding;
using ImageSearch.Tests.Fetching;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.Tests.Indexing;

public sealed class IndexBuilderTests
{
    private ImageEmbedder _embedder = null!;
    private IndexBuilder _builder = null!;

    [OneTimeSetUp]
    public void LoadModel()
    {
        _embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        _builder = new IndexBuilder(_embedder, new CatalogImageLoader(), NullLogger<IndexBuilder>.Instance);
    }

    [OneTimeTearDown]
    public void UnloadModel() => _embedder.Dispose();

    [TestCase(100_000, IndexStorage.BinaryExact)]
    [TestCase(5, IndexStorage.BinaryCompact)]
    public async Task Build_writes_the_binary_index_that_the_service_then_maps(int compactFromRows, IndexStorage expected)
    {
        var (catalog, folder) = SampleCatalog(photos: 12);
        var path = Path.Combine(folder, "index.csv");

        await _builder.BuildAsync(catalog, path, new IndexBuildOptions { CoarseDimension = 64, CompactFromRows = compactFromRows });

        var metadata = IndexMetadata.Read(path);
        Assert.That(metadata.BinaryBytes, Is.EqualTo(new FileInfo(Path.Combine(folder, "index.bin")).Length));
        Assert.That(metadata.CompactRecallAt10, expected == IndexStorage.BinaryCompact ? Is.EqualTo(1.0) : Is.Null, "measured by the build against exact search");
        using var service = CatalogSnapshot.Load(catalog.Path, path, _embedder.Identity, new IndexLoadOptions { CompactFromRows = compactFromRows });
        Assert.That(service.Storage, Is.EqualTo(expected));
        var query = service.VectorOf(catalog.Products[3].Id)!;
        Assert.That(service.Search(query, new SearchRequest(1, 0f))[0].Product.Id, Is.EqualTo(catalog.Products[3].Id));
    }

    [Test]
    public async Task Build_writes_every_row_in_catalog_order_with_the_embedders_vectors()
    {
        var (catalog, folder) = SampleCatalog(photos: 12);
        var path = Path.Combine(folder, "index.csv");

        var result = await _builder.BuildAsync(catalog, path, new IndexBuildOptions { Threads = 2, BatchSize = 5 });

        Assert.That((result.Built, result.Reused, result.Failures.Count, result.Written), Is.EqualTo((12, 0, 0, true)));
        var index = IndexFile.Load(path);
        Assert.That(index.Vectors.Ids, Is.EqualTo(catalog.Products.Select(p => p.Id)));
        for (var i = 0; i < catalog.Count; i += 5)
        {
            var expected = _embedder.Embed(File.ReadAllBytes(catalog.LocateImage(catalog.Products[i]).FilePath!));
            Assert.That(TensorPrimitives.CosineSimilarity(index.Vectors.Vector(i), expected), Is.GreaterThan(0.99999f));
        }

        Assert.That(index.Metadata.ModelSha256, Is.EqualTo(_embedder.Identity.ModelSha256));
        Assert.That(index.Metadata.CatalogSha256, Is.EqualTo(catalog.Sha256));
        Assert.That(index.Metadata.CatalogPath, Is.EqualTo("products.csv"));
    }

    [Test]
    public async Task Failed_rows_are_reported_with_line_and_reason_and_leave_the_previous_index_untouched()
    {
        var (catalog, folder) = SampleCatalog(photos: 4, extraRows: ["X1,Broken,Hat,1,broken.jpg", "X2,Missing,Hat,1,missing.jpg", "X3,Scan,Hat,1,scan.tif"]);
        File.WriteAllBytes(Path.Combine(folder, "broken.jpg"), File.ReadAllBytes(catalog.LocateImage(catalog.Products[0]).FilePath!)[..2000]);
        File.WriteAllBytes(Path.Combine(folder, "scan.tif"), Convert.FromHexString("49492A0008000000000000000000"));
        var path = Path.Combine(folder, "index.csv");
        File.WriteAllText(path, "previous");

        var result = await _builder.BuildAsync(catalog, path, new IndexBuildOptions());

        Assert.That(result.Written, Is.False);
        Assert.That(File.ReadAllText(path), Is.EqualTo("previous"));
        Assert.That(result.Failures.Select(f => (f.Line, f.Id)), Is.EqualTo(new[] { (6, "X1"), (7, "X2"), (8, "X3") }));
        Assert.That(result.Failures[0].Reason, Does.StartWith("corrupt image"));
        Assert.That(result.Failures[1].Reason, Does.StartWith("image file not found"));
        Assert.That(result.Failures[2].Reason, Does.StartWith("unsupported format"));
    }

    [Test]
    public async Task Skip_failed_writes_the_index_without_the_failed_rows()
    {
        var (catalog, folder) = SampleCatalog(photos: 3, extraRows: ["X1,Missing,Hat,1,missing.jpg"]);
        var path = Path.Combine(folder, "index.csv");

        var result = await _builder.BuildAsync(catalog, path, new IndexBuildOptions { SkipFailed = true });

        Assert.That(result.Written, Is.True);
        Assert.That(IndexFile.Load(path).Vectors.Ids, Is.EqualTo(catalog.Products.Take(3).Select(p => p.Id)));
    }

    [Test]
    public async Task An_incremental_rebuild_embeds_only_the_changed_images()
    {
        var (catalog, folder) = SampleCatalog(photos: 6);
        var path = Path.Combine(folder, "index.csv");
        await _builder.BuildAsync(catalog, path, new IndexBuildOptions());
        var before = IndexFile.Load(path);
        var csv = File.ReadAllLines(catalog.Path);
        var newPhoto = Directory.EnumerateFiles(Path.Combine(TestData.DatasetsFolder, "clothing", "queries")).Order(StringComparer.Ordinal).First();
        File.Copy(newPhoto, Path.Combine(folder, "changed.jpg"));
        csv[3] = string.Join(',', csv[3].Split(',')[..4]) + ",changed.jpg";
        File.WriteAllLines(catalog.Path, csv);

        var result = await _builder.BuildAsync(CatalogReader.Read(catalog.Path), path, new IndexBuildOptions { Incremental = true });

        Assert.That((result.Built, result.Reused), Is.EqualTo((1, 5)));
        var after = IndexFile.Load(path);
        Assert.That(after.Vectors.Vector(0).ToArray(), Is.EqualTo(before.Vectors.Vector(0).ToArray()));
        Assert.That(after.Vectors.Vector(2).ToArray(), Is.Not.EqualTo(before.Vectors.Vector(2).ToArray()));
    }

    [Test]
    public async Task An_incremental_build_with_no_previous_index_embeds_everything_and_says_so()
    {
        var (catalog, folder) = SampleCatalog(photos: 2);

        var result = await _builder.BuildAsync(catalog, Path.Combine(folder, "index.csv"), new IndexBuildOptions { Incremental = true });

        Assert.That(result.Built, Is.EqualTo(2));
        Assert.That(result.Notes, Has.Some.Contains("no previous index"));
    }

    [Test]
    public void A_cancelled_build_leaves_the_previous_index_untouched_and_no_temporary_files()
    {
        var (catalog, folder) = SampleCatalog(photos: 40);
        var path = Path.Combine(folder, "index.csv");
        File.WriteAllText(path, "previous");
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Done >= 5)
            {
                cancel.Cancel();
            }
        });

        Assert.That(async () => await _builder.BuildAsync(catalog, path, new IndexBuildOptions(), progress, cancel.Token), Throws.InstanceOf<OperationCanceledException>());

        Assert.That(File.ReadAllText(path), Is.EqualTo("previous"));
        Assert.That(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task Remote_images_are_fetched_through_the_safe_fetcher_once_and_then_come_from_the_cache()
    {
        var photo = File.ReadAllBytes(Directory.EnumerateFiles(Path.Combine(TestData.DatasetsFolder, "clothing", "images")).Order(StringComparer.Ordinal).First());
        await using var server = LoopbackHttpServer.Serving(photo);
        var folder = Directory.CreateTempSubdirectory("imagesearch-remote-").FullName;
        var catalog = CatalogReader.Read(CatalogReaderTests.Write($"id,name,category,price,image_url\nR1,Remote,Hat,1,{server.Url("/photo.jpg?v=1")}\n"));
        using var fetcher = new SafeImageFetcher(new ImageFetcherOptions { AllowLoopback = true, AllowedPorts = [server.Port] });
        var loader = new CatalogImageLoader(new CachingImageFetcher(fetcher, new DiskImageCache(Path.Combine(folder, "cache"))));
        var builder = new IndexBuilder(_embedder, loader, NullLogger<IndexBuilder>.Instance);

        var first = await builder.BuildAsync(catalog, Path.Combine(folder, "index.csv"), new IndexBuildOptions());
        var second = await builder.BuildAsync(catalog, Path.Combine(folder, "index.csv"), new IndexBuildOptions());

        Assert.That((first.Built, second.Built), Is.EqualTo((1, 1)));
        Assert.That(server.Requests, Has.Count.EqualTo(1), "the rebuild read the image from the disk cache");
    }

    [Test]
    public async Task A_forbidden_remote_image_is_a_failed_row_not_a_crash()
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-remote-").FullName;
        var catalog = CatalogReader.Read(CatalogReaderTests.Write("id,name,category,price,image_url\nR1,Metadata,Hat,1,http://169.254.169.254/latest/meta-data\n"));
        using var fetcher = new SafeImageFetcher(new ImageFetcherOptions());
        var builder = new IndexBuilder(_embedder, new CatalogImageLoader(fetcher), NullLogger<IndexBuilder>.Instance);

        var result = await builder.BuildAsync(catalog, Path.Combine(folder, "index.csv"), new IndexBuildOptions());

        Assert.That(result.Failures.Single().Reason, Does.Contain("169.254.169.254").Or.Contain("LinkLocal").Or.Contain("not allowed"));
    }

    /// <summary>A catalog of the first photos of the clothing sample, copied into a temporary folder.</summary>
    internal static (ProductCatalog Catalog, string Folder) SampleCatalog(int photos, params string[] extraRows)
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-build-").FullName;
        var lines = new List<string> { "id,name,category,price,image_url" };
        var sample = File.ReadLines(Path.Combine(TestData.DatasetsFolder, "clothing", "products.csv")).Skip(1).Take(photos);
        foreach (var line in sample)
        {
            var fields = line.Split(',');
            var image = Path.GetFileName(fields[4]);
            File.Copy(Path.Combine(TestData.DatasetsFolder, "clothing", fields[4]), Path.Combine(folder, image));
            lines.Add(string.Join(',', fields[..4]) + "," + image);
        }

        lines.AddRange(extraRows);
        var path = Path.Combine(folder, "products.csv");
        File.WriteAllLines(path, lines);
        return (CatalogReader.Read(path), folder);
    }

    private sealed class SynchronousProgress(Action<IndexBuildProgress> report) : IProgress<IndexBuildProgress>
    {
        public void Report(IndexBuildProgress value) => report(value);
    }
}
