using System.Numerics.Tensors;
using System.Text.Json;
using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using ImageSearch.Tests.Embedding;
using ImageSearch.Tests.Indexing;

namespace ImageSearch.Tests.BuildIndex;

/// <summary><c>build --training-queries</c>: the index learns a metric head from labelled photos, and <c>evaluate</c> never scores them.</summary>
public sealed class TrainingQueriesTests
{
    private string _folder = null!;
    private string _catalog = null!;
    private string _index = null!;
    private string[] _photos = null!;

    [OneTimeSetUp]
    public void BuildWithTrainingPhotos()
    {
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 6);
        (_folder, _catalog, _index) = (folder, catalog.Path, Path.Combine(folder, "index.csv"));
        _photos = [.. catalog.Products.Select(p => catalog.LocateImage(p).FilePath!)];

        // Three of the catalog's photos, copied under other names: the same bytes are the same photo, whatever its name.
        var lines = new List<string> { "id,category,image_path" };
        for (var i = 0; i < 3; i++)
        {
            File.Copy(_photos[i], Path.Combine(folder, $"shopper-{i}.jpg"));
            lines.Add($"shopper-{i},{catalog.Products[i].Category},shopper-{i}.jpg");
        }

        File.WriteAllLines(Path.Combine(folder, "training.csv"), lines);
        var (exitCode, output, error) = EmbedCommandTests.Run("build", "--catalog", _catalog, "--out", _index, "--model", ModelZooFixture.PreparedModel,
            "--training-queries", Path.Combine(folder, "training.csv"), "--metric-head", "8");
        Assert.That(exitCode, Is.Zero, error);
        Assert.That(output, Does.Contain("metric head: 1280 → 8").And.Contain("training photos: 3 of 3 embedded"));
    }

    [Test]
    public void The_head_learned_at_build_time_is_stored_with_the_index_and_applied_to_queries()
    {
        var index = IndexFile.Load(_index);
        var head = index.Metadata.Projection!;
        using var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        using var service = CatalogSnapshot.Load(_catalog, _index, embedder.Identity);
        using var fromCsv = CatalogSnapshot.Load(_catalog, _index, embedder.Identity, new IndexLoadOptions { UseBinary = false });
        var query = embedder.Embed(File.ReadAllBytes(_photos[4]));

        var matches = service.Search(QueryEmbedding.Features(query), new SearchRequest(6, 0f));
        var csvMatches = fromCsv.Search(QueryEmbedding.Features(query), new SearchRequest(6, 0f));

        Assert.That((service.Storage, service.Vectors.Dimension), Is.EqualTo((IndexStorage.BinaryExact, 8)), "index.bin holds the projected vectors");
        Assert.That(csvMatches.Select(m => m.Product.Id), Is.EqualTo(matches.Select(m => m.Product.Id)), "index.csv, projected at load, searches the same");

        Assert.That((head.InputDimension, head.OutputDimension, head.Training!.TrainingQueries), Is.EqualTo((1280, 8, 3)));
        Assert.That(head.Training.PhotoSha256, Has.Count.EqualTo(3));
        Assert.That(head.Training.AugmentedViews, Is.Null, "with training photos, no augmented views unless asked for");
        var expected = index.Vectors.Ids
            .Select((id, row) => (Id: id, Cosine: TensorPrimitives.Dot(head.Apply(query), head.Apply(index.Vectors.Vector(row)))))
            .OrderByDescending(m => m.Cosine).ToArray();
        Assert.That(matches.Select(m => m.Product.Id), Is.EqualTo(expected.Select(m => m.Id)));
        Assert.That(matches.Select(m => m.Similarity), Is.EqualTo(expected.Select(m => m.Cosine)).Within(1e-4f));
    }

    [Test]
    public void Evaluate_leaves_out_every_photo_the_index_was_trained_on()
    {
        // All six catalog photos as queries: the three that were training photos (by their bytes) must not be scored.
        var queries = Path.Combine(_folder, "queries.csv");
        File.WriteAllLines(queries, ["id,category,image_path", .. _photos.Select((p, i) => $"q{i},Blazer,{Path.GetFileName(p)}")]);

        var (exitCode, output, error) = EmbedCommandTests.Run("evaluate", "--catalog", _catalog, "--index", _index, "--queries", queries, "--json", "--model", ModelZooFixture.PreparedModel);

        Assert.That(exitCode, Is.Zero, error);
        using var report = JsonDocument.Parse(output);
        Assert.That(report.RootElement.GetProperty("excluded_training_photos").GetInt32(), Is.EqualTo(3));
        Assert.That(report.RootElement.GetProperty("queries").GetInt32(), Is.EqualTo(3), "only the photos the index never saw");
    }

    [Test]
    public void Evaluate_of_an_index_without_training_photos_scores_every_query()
    {
        var index = Path.Combine(_folder, "plain.csv");
        Assert.That(EmbedCommandTests.Run("build", "--catalog", _catalog, "--out", index, "--model", ModelZooFixture.PreparedModel, "--metric-head", "off").ExitCode, Is.Zero);
        var queries = Path.Combine(_folder, "all.csv");
        File.WriteAllLines(queries, ["id,category,image_path", .. _photos.Select((p, i) => $"q{i},Blazer,{Path.GetFileName(p)}")]);

        var (exitCode, output, error) = EmbedCommandTests.Run("evaluate", "--catalog", _catalog, "--index", index, "--queries", queries, "--json", "--model", ModelZooFixture.PreparedModel);

        Assert.That(exitCode, Is.Zero, error);
        using var report = JsonDocument.Parse(output);
        Assert.That(report.RootElement.GetProperty("excluded_training_photos").GetInt32(), Is.Zero);
        Assert.That(report.RootElement.GetProperty("queries").GetInt32(), Is.EqualTo(6));
        Assert.That(IndexFile.Load(index).Metadata.Projection, Is.Null);
    }

    [Test]
    public void Bad_training_queries_or_head_settings_are_unusable_input()
    {
        var bad = Path.Combine(_folder, "bad.csv");
        File.WriteAllText(bad, "id,image_path\nx,x.jpg\n");
        var index = Path.Combine(_folder, "never.csv");

        var (badFile, _, badError) = EmbedCommandTests.Run("build", "--catalog", _catalog, "--out", index, "--model", ModelZooFixture.PreparedModel, "--training-queries", bad);
        var (badHead, _, headError) = EmbedCommandTests.Run("build", "--catalog", _catalog, "--out", index, "--model", ModelZooFixture.PreparedModel, "--metric-head", "wide");
        var (badViews, _, viewsError) = EmbedCommandTests.Run("build", "--catalog", _catalog, "--out", index, "--model", ModelZooFixture.PreparedModel, "--augment-views", "65");

        Assert.That((badFile, badHead, badViews), Is.EqualTo((2, 2, 2)));
        Assert.That(viewsError, Does.Contain("--augment-views takes 0 to 64"));
        Assert.That(badError, Does.Contain("missing column(s) category"));
        Assert.That(headError, Does.Contain("--metric-head takes auto, off or a dimension"));
        Assert.That(File.Exists(index), Is.False);
    }
}
