using ImageSearch.Core.Catalog;
using ImageSearch.Core.Embedding;
using ImageSearch.Core.Indexing;
using ImageSearch.Core.Learning;
using ImageSearch.Tests.Catalog;
using ImageSearch.Tests.Embedding;
using Microsoft.Extensions.Logging.Abstractions;
using NullLogger = Microsoft.Extensions.Logging.Abstractions.NullLogger;

namespace ImageSearch.Tests.Indexing;

/// <summary>What a build learns after embedding: the metric head and the calibration, and when it keeps the previous ones.</summary>
public sealed class IndexLearningTests
{
    private static readonly MetricHeadOptions SmallHead = new() { Dimension = 8, MaxEpochs = 20 };

    [Test]
    public async Task An_incremental_build_with_nothing_changed_keeps_the_previous_head_and_calibration()
    {
        using var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        var builder = new IndexBuilder(embedder, new CatalogImageLoader(), NullLogger<IndexBuilder>.Instance);
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 6);
        var path = Path.Combine(folder, "index.csv");
        var options = new IndexBuildOptions { MetricHead = SmallHead, Incremental = true };

        await builder.BuildAsync(catalog, path, options);
        var first = IndexFile.Load(path).Metadata;
        var again = await builder.BuildAsync(catalog, path, options);
        var wider = await builder.BuildAsync(catalog, path, options with { MetricHead = SmallHead with { Dimension = 4 } });

        Assert.That(first.Projection, Is.Not.Null);
        Assert.That(again.Notes, Has.Some.Contains("metric head and score calibration are kept"));
        Assert.That(again.Metadata!.Projection!.Weights, Is.EqualTo(first.Projection!.Weights));
        Assert.That(again.Metadata.ScoreCalibration, Is.EqualTo(first.ScoreCalibration));
        Assert.That(wider.Notes, Has.None.Contains("are kept"), "other settings: learned again");
        Assert.That(wider.Metadata!.Projection!.OutputDimension, Is.EqualTo(4));
    }

    [Test]
    public void By_default_a_head_is_trained_on_repeated_categories_or_with_training_photos_but_not_on_one_shot_per_product()
    {
        var categories = Catalog("id,name,category,price,image_url\nA,a,Hat,1,a.jpg\nB,b,Hat,1,b.jpg\nC,c,Bag,1,c.jpg\nD,d,Bag,1,d.jpg\n");
        var oneCategory = Catalog("id,name,category,price,image_url\nA,a,Hat,1,a.jpg\nB,b,Hat,1,b.jpg\nC,c,Bag,1,c.jpg\n");
        var oneShotPerProduct = Catalog("id,name,category,price,image_url,group\nA,a,Milk,,a.jpg,A\nB,b,Milk,,b.jpg,B\nC,c,Juice,,c.jpg,C\nD,d,Juice,,d.jpg,D\n");
        var repeatedGroups = Catalog("id,name,category,price,image_url,group\nA,a,Milk,,a.jpg,A\nB,b,Milk,,b.jpg,A\nC,c,Juice,,c.jpg,C\nD,d,Juice,,d.jpg,C\n");

        Assert.That(MetricHeadPolicy.TrainsByDefault(categories, hasTrainingPhotos: false), Is.True);
        Assert.That(MetricHeadPolicy.TrainsByDefault(oneCategory, hasTrainingPhotos: false), Is.False, "one category repeats: nothing to tell apart");
        Assert.That(MetricHeadPolicy.TrainsByDefault(oneShotPerProduct, hasTrainingPhotos: false), Is.False, "groups ask for the exact product, and none repeats");
        Assert.That(MetricHeadPolicy.TrainsByDefault(repeatedGroups, hasTrainingPhotos: false), Is.True);
        Assert.That(MetricHeadPolicy.TrainsByDefault(oneShotPerProduct, hasTrainingPhotos: true), Is.True, "photos of the products teach it");
    }

    [Test]
    public void A_head_trained_on_the_catalog_has_its_calibration_fitted_on_the_items_it_held_back()
    {
        var (vectors, dimension, categories) = Search.ScoreCalibratorTests.ClusteredCatalog(categories: 6, perCategory: 20, seed: 11);
        var rows = categories.Select((category, i) => (
            new Product($"P{i}", $"P{i}", category, null, $"p{i}.jpg", i + 2, new Dictionary<string, string>()),
            (ReadOnlyMemory<float>)vectors.AsMemory(i * dimension, dimension))).ToList();
        var notes = new List<string>();

        var learned = new IndexLearning(new FixedDimension(dimension), NullLogger.Instance)
            .Learn(rows, vectors, new IndexBuildOptions { MetricHead = new MetricHeadOptions { Dimension = 8, MaxEpochs = 30 } }, notes, CancellationToken.None);

        var held = learned.Projection!.Training!.ValidationItems;
        Assert.That(held, Is.EqualTo(24), "a fifth of each category");
        Assert.That(learned.Calibration!.Fit!.Source, Is.EqualTo("held-back catalog items"));
        Assert.That(learned.Calibration.Fit.Queries, Is.EqualTo(held));
        Assert.That(notes, Has.Some.Contains("catalog items the metric head held back"));
        Assert.That((learned.SearchedDimension, learned.Searched.Length), Is.EqualTo((8, 8 * rows.Count)), "what index.bin stores and the search compares");
    }

    private static ProductCatalog Catalog(string csv) => CatalogReader.Read(CatalogReaderTests.Write(csv));

    /// <summary>An embedder that is never asked to embed: the learning step only needs its dimension without training photos.</summary>
    private sealed class FixedDimension(int dimension) : IImageEmbedder
    {
        public int Dimension => dimension;

        public EmbedderIdentity Identity => new("none", "none", dimension);

        public float[] Embed(ReadOnlySpan<byte> encodedImage) => throw new NotSupportedException();

        public float[][] EmbedBatch(IReadOnlyList<ReadOnlyMemory<byte>> encodedImages) => throw new NotSupportedException();
    }
}
