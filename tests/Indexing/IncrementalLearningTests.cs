using System.Numerics.Tensors;
using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using ImageSearch.Tests.Embedding;
using Microsoft.Extensions.Logging.Abstractions;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Indexing;

/// <summary>
/// An incremental build keeps the metric head and calibration while few rows change (projecting new rows with the
/// stored head), fits them again once more than a tenth of the rows they were fitted on changed or with --retrain,
/// and takes the augmented views of unchanged photos from the view cache.
/// </summary>
public sealed class IncrementalLearningTests
{
    private static readonly MetricHeadOptions SmallHead = new() { Dimension = 8, MaxEpochs = 20 };

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

    [Test]
    public async Task A_few_changed_rows_keep_the_head_and_are_projected_with_it_until_a_tenth_of_the_catalog_has_changed()
    {
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 12);
        var path = Path.Combine(folder, "index.csv");
        var options = new IndexBuildOptions { MetricHead = SmallHead, Incremental = true };
        var first = await _builder.BuildAsync(catalog, path, options);
        var trained = first.Metadata!;

        ChangePhoto(catalog.Path, line: 4, folder);
        var onePhoto = await _builder.BuildAsync(CatalogReader.Read(catalog.Path), path, options);
        Relabel(catalog.Path, line: 6);
        var andOneLabel = await _builder.BuildAsync(CatalogReader.Read(catalog.Path), path, options);

        Assert.That(first.Learning, Does.StartWith("metric head and calibration: fitted (no previous index"));
        Assert.That(trained.LearnedFrom, Is.EqualTo(trained.LearnedFrom! with { Rows = 12, ChangedSince = 0 }));

        Assert.That((onePhoto.Built, onePhoto.Reused), Is.EqualTo((1, 11)));
        Assert.That(onePhoto.Learning, Is.EqualTo("metric head and calibration: kept: 1 row(s) changed since they were fitted on 12 (8.3%; fitted again above 10%)"));
        var kept = onePhoto.Metadata!;
        Assert.That(kept.Projection!.Weights, Is.EqualTo(trained.Projection!.Weights));
        Assert.That(kept.ScoreCalibration, Is.EqualTo(trained.ScoreCalibration));
        Assert.That((kept.LearnedFrom!.Rows, kept.LearnedFrom.ChangedSince), Is.EqualTo((12, 1)));
        using (var service = CatalogSnapshot.Load(catalog.Path, path, _embedder.Identity, new IndexLoadOptions()))
        {
            var changed = catalog.Products[2];
            var expected = kept.Projection.Apply(_embedder.Embed(File.ReadAllBytes(Path.Combine(folder, "changed.jpg"))));
            Assert.That(TensorPrimitives.CosineSimilarity(service.VectorOf(changed.Id)!.Vector.Span, expected), Is.GreaterThan(0.9999f), "the changed row is searched through the kept head");
        }

        Assert.That(andOneLabel.Built, Is.Zero, "a new label embeds nothing");
        Assert.That(andOneLabel.Learning, Is.EqualTo("metric head and calibration: fitted again: 2 row(s) changed since they were fitted on 12 (16.7%; fitted again above 10%)"),
            "the changes add up over the builds that kept the head");
        Assert.That(andOneLabel.Notes, Has.Some.StartsWith("metric head: 1280 → 8, trained on 10 catalog items"), "trained again (2 of the 12 held back)");
        Assert.That((andOneLabel.Metadata!.LearnedFrom!.Rows, andOneLabel.Metadata.LearnedFrom.ChangedSince), Is.EqualTo((12, 0)));
    }

    [Test]
    public async Task Retrain_fits_the_head_again_even_when_nothing_changed_and_a_full_build_always_does()
    {
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 6);
        var path = Path.Combine(folder, "index.csv");
        var options = new IndexBuildOptions { MetricHead = SmallHead, Incremental = true };
        await _builder.BuildAsync(catalog, path, options);

        var unchanged = await _builder.BuildAsync(catalog, path, options);
        var retrained = await _builder.BuildAsync(catalog, path, options with { Retrain = true });
        var full = await _builder.BuildAsync(catalog, path, options with { Incremental = false });
        var calibrationOnly = await _builder.BuildAsync(catalog, path, options with { MetricHead = null });

        Assert.That(unchanged.Learning, Is.EqualTo("metric head and calibration: kept: 0 row(s) changed since they were fitted on 6 (0.0%; fitted again above 10%)"));
        Assert.That(retrained.Learning, Is.EqualTo("metric head and calibration: fitted again: --retrain"));
        Assert.That(retrained.Notes, Has.None.Contains("are kept"));
        Assert.That(full.Learning, Does.StartWith("metric head and calibration: fitted (a full build"));
        Assert.That(calibrationOnly.Learning, Is.EqualTo("calibration: fitted again: no metric head asked for"));
        Assert.That(calibrationOnly.Metadata!.Projection, Is.Null);
    }

    [Test]
    public async Task An_index_from_before_the_basis_was_recorded_keeps_its_head_only_when_nothing_changed()
    {
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 12);
        var path = Path.Combine(folder, "index.csv");
        var options = new IndexBuildOptions { MetricHead = SmallHead, Incremental = true };
        await _builder.BuildAsync(catalog, path, options);
        void Forget() => File.WriteAllBytes(IndexMetadata.PathFor(path), (IndexMetadata.Read(path) with { LearnedFrom = null }).ToJson());

        Forget();
        var unchanged = await _builder.BuildAsync(catalog, path, options);
        Forget();
        ChangePhoto(catalog.Path, line: 4, folder);
        var changed = await _builder.BuildAsync(CatalogReader.Read(catalog.Path), path, options);

        Assert.That(unchanged.Learning, Is.EqualTo("metric head and calibration: kept: nothing changed"));
        Assert.That(unchanged.Metadata!.LearnedFrom!.Rows, Is.EqualTo(12), "recorded from now on");
        Assert.That(changed.Learning, Is.EqualTo("metric head and calibration: fitted again: the previous index does not record what they were fitted on"));
    }

    [Test]
    public async Task Augmented_views_come_from_the_view_cache_unless_their_photo_or_background_changed()
    {
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 6);
        var path = Path.Combine(folder, "index.csv");
        var options = new IndexBuildOptions { MetricHead = SmallHead, Incremental = true, Retrain = true, AugmentViews = 2 };

        var first = await _builder.BuildAsync(catalog, path, options);
        var again = await _builder.BuildAsync(catalog, path, options);
        ChangePhoto(catalog.Path, line: 3, folder);
        var changed = await _builder.BuildAsync(CatalogReader.Read(catalog.Path), path, options);
        File.WriteAllText(AugmentedViewCache.PathFor(path), "not a cache");
        var damaged = await _builder.BuildAsync(CatalogReader.Read(catalog.Path), path, options);

        Assert.That(first.Views, Is.EqualTo(first.Views! with { Embedded = 12, Reused = 0 }));
        Assert.That(File.Exists(Path.Combine(folder, "index.views.bin")), Is.True);
        Assert.That((again.Views!.Embedded, again.Views.Reused), Is.EqualTo((0, 12)));
        Assert.That(again.Metadata!.Projection!.Weights, Is.EqualTo(first.Metadata!.Projection!.Weights), "the cached views are the views: the same head");
        Assert.That(changed.Views!.Embedded, Is.InRange(2, 11), "the changed photo's views, and those whose background it was or now is");
        Assert.That(changed.Views.Embedded + changed.Views.Reused, Is.EqualTo(12));
        Assert.That(changed.Notes, Has.Some.Contains($"{changed.Views.Reused} from index.views.bin, {changed.Views.Embedded} embedded"));
        Assert.That((damaged.Views!.Embedded, damaged.Views.Reused), Is.EqualTo((12, 0)));
        Assert.That(damaged.Notes, Has.Some.Contains("The view cache was not used: it is not a view cache."));
    }

    [Test]
    public void The_view_cache_gives_back_what_was_saved_and_nothing_for_other_settings_or_a_damaged_file()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("imagesearch-views-").FullName, "index.views.bin");
        var photo = new string('a', 64);
        var background = new string('b', 64);
        AugmentedViewCache.Key[] keys = [new(photo, 0, null), new(photo, 1, background)];
        float[] vectors = [1, 2, 3, 4, 5, 6];

        AugmentedViewCache.Save(path, "settings A", keys, new VectorRows(vectors, 3));
        var cache = AugmentedViewCache.Load(path, "settings A", 3, out var problem);
        var other = AugmentedViewCache.Load(path, "settings B", 3, out var otherProblem);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var damaged = AugmentedViewCache.Load(path, "settings A", 3, out var damagedProblem);

        var found = new float[3];
        Assert.That((cache.Count, problem), Is.EqualTo((2, (string?)null)));
        Assert.That(cache.TryGet(new(photo, 1, background), found), Is.True);
        Assert.That(found, Is.EqualTo(new float[] { 4, 5, 6 }));
        Assert.That(cache.TryGet(new(photo, 1, null), found), Is.False, "another background is another view");
        Assert.That((other.Count, otherProblem), Is.EqualTo((0, "it was made with other model, preprocessing or augmentation settings")));
        Assert.That((damaged.Count, damagedProblem), Is.EqualTo((0, "it is damaged")));
    }

    /// <summary>Points the catalog's line <paramref name="line"/> (1: the header) at a query photo, copied as changed.jpg.</summary>
    internal static void ChangePhoto(string catalogPath, int line, string folder)
    {
        var photo = Directory.EnumerateFiles(Path.Combine(TestData.DatasetsFolder, "clothing", "queries")).Order(StringComparer.Ordinal).First();
        File.Copy(photo, Path.Combine(folder, "changed.jpg"), overwrite: true);
        var csv = File.ReadAllLines(catalogPath);
        csv[line - 1] = string.Join(',', csv[line - 1].Split(',')[..4]) + ",changed.jpg";
        File.WriteAllLines(catalogPath, csv);
    }

    private static void Relabel(string catalogPath, int line)
    {
        var csv = File.ReadAllLines(catalogPath);
        var fields = csv[line - 1].Split(',');
        fields[2] = "Relabelled";
        csv[line - 1] = string.Join(',', fields);
        File.WriteAllLines(catalogPath, csv);
    }
}
