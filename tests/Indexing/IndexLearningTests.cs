using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Tests.Catalog;
using ImageSearch.Tests.Embedding;
using Microsoft.Extensions.Logging.Abstractions;
using NullLogger = Microsoft.Extensions.Logging.Abstractions.NullLogger;
using ImageSearch.Core.LinearAlgebra;

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
    public async Task A_build_with_augmented_views_trains_on_them_stores_nothing_more_to_search_and_is_kept_only_with_the_same_views()
    {
        using var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        var builder = new IndexBuilder(embedder, new CatalogImageLoader(), NullLogger<IndexBuilder>.Instance);
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 6);
        var path = Path.Combine(folder, "index.csv");
        var options = new IndexBuildOptions { MetricHead = SmallHead, Incremental = true, AugmentViews = 2 };

        var first = await builder.BuildAsync(catalog, path, options);
        var training = IndexFile.Load(path).Metadata.Projection!.Training!;
        var again = await builder.BuildAsync(catalog, path, options);
        var more = await builder.BuildAsync(catalog, path, options with { AugmentViews = 3 });

        Assert.That(first.Notes, Has.Some.Contains("augmented views: 2 of each of 6 photos"));
        Assert.That(training.AugmentedViews, Is.EqualTo(2 * training.CatalogItems), "the views of the items it trained on");
        Assert.That(training.Augmentation, Does.StartWith("2 views a photo: area 0.4-1"));
        Assert.That(IndexFile.Load(path).Vectors.Ids, Is.EqualTo(catalog.Products.Select(p => p.Id)), "one row a product, as without views");
        Assert.That(again.Notes, Has.Some.Contains("are kept"));
        Assert.That(more.Notes, Has.None.Contains("are kept"), "other views: learned again");
        Assert.That(more.Metadata!.Projection!.Training!.AugmentedViews, Is.EqualTo(3 * training.CatalogItems));
    }

    [Test]
    public void Views_are_anchors_labelled_like_their_item_and_the_calibration_is_still_fitted_on_held_back_items()
    {
        var (vectors, dimension, categories) = Search.ScoreCalibratorTests.ClusteredCatalog(categories: 6, perCategory: 20, seed: 12);
        var rows = categories.Select((category, i) => (
            new Product($"P{i}", $"P{i}", category, null, $"p{i}.jpg", i + 2, new Dictionary<string, string>()),
            (ReadOnlyMemory<float>)vectors.AsMemory(i * dimension, dimension))).ToList();
        var views = new float[rows.Count * 3 * dimension];
        var random = new Random(5);
        for (var v = 0; v < rows.Count * 3; v++)
        {
            var view = views.AsSpan(v * dimension, dimension);
            vectors.AsSpan(v / 3 * dimension, dimension).CopyTo(view);
            for (var j = 0; j < dimension; j++)
            {
                view[j] += (float)(0.05 * (random.NextDouble() - 0.5));
            }

            System.Numerics.Tensors.TensorPrimitives.Divide(view, System.Numerics.Tensors.TensorPrimitives.Norm(view), view);
        }

        var notes = new List<string>();
        var learned = new IndexLearning(new FixedDimension(dimension), NullLogger.Instance)
            .Learn(rows, new VectorRows(vectors, dimension), new IndexBuildOptions { MetricHead = new MetricHeadOptions { Dimension = 8, MaxEpochs = 30 }, AugmentViews = 3 }, notes, CancellationToken.None,
                new AugmentedViews(new VectorRows(views, dimension), [.. Enumerable.Range(0, rows.Count)], 3));

        var training = learned.Projection!.Training!;
        Assert.That(training.ValidationItems, Is.EqualTo(24), "catalog items are held back as without views");
        Assert.That(training.AugmentedViews, Is.EqualTo(3 * (rows.Count - 24)), "the held-back items' views are left out");
        Assert.That(training.TrainingQueries, Is.Zero);
        Assert.That(learned.Calibration!.Fit!.Source, Is.EqualTo("held-back catalog items"));
        Assert.That(notes, Has.Some.Contains($"and {3 * (rows.Count - 24)} augmented views by category"));
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
            .Learn(rows, new VectorRows(vectors, dimension), new IndexBuildOptions { MetricHead = new MetricHeadOptions { Dimension = 8, MaxEpochs = 30 } }, notes, CancellationToken.None);

        var held = learned.Projection!.Training!.ValidationItems;
        Assert.That(held, Is.EqualTo(24), "a fifth of each category");
        Assert.That(learned.Calibration!.Fit!.Source, Is.EqualTo("held-back catalog items"));
        Assert.That(learned.Calibration.Fit.Queries, Is.EqualTo(held));
        Assert.That(notes, Has.Some.Contains("catalog items the metric head held back"));
        Assert.That((learned.Searched.Dimension, learned.Searched.Count), Is.EqualTo((8, rows.Count)), "what index.bin stores and the search compares");
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
