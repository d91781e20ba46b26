using System.Text.Json;
using ImageSearch.Tests.Embedding;
using ImageSearch.Tests.Indexing;

namespace ImageSearch.Tests.BuildIndex;

/// <summary>build and evaluate as a catalog owner runs them: exit codes, messages, files.</summary>
public sealed class BuildCommandTests
{
    [Test]
    public void Build_exits_0_and_writes_the_index_and_its_metadata()
    {
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 5);
        var index = Path.Combine(folder, "index.csv");

        var (exitCode, output, error) = EmbedCommandTests.Run("build", "--catalog", catalog.Path, "--out", index, "--model", ModelZooFixture.PreparedModel);

        Assert.That(exitCode, Is.Zero, error);
        Assert.That(output, Does.Contain("wrote " + index));
        Assert.That(File.Exists(index + ".meta.json"), Is.True);
        Assert.That(error, Does.Contain("indexed 5/5"), "plain progress lines when stderr is redirected");
    }

    [Test]
    public void The_summary_says_what_was_reused_and_whether_the_head_was_fitted_again()
    {
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 5);
        var index = Path.Combine(folder, "index.csv");
        string[] build = ["build", "--catalog", catalog.Path, "--out", index, "--model", ModelZooFixture.PreparedModel, "--metric-head", "8", "--augment-views", "2"];

        var full = EmbedCommandTests.Run(build);
        var kept = EmbedCommandTests.Run([.. build, "--incremental"]);
        var retrained = EmbedCommandTests.Run([.. build, "--incremental", "--retrain"]);

        Assert.That(full.ExitCode, Is.Zero, full.Error);
        Assert.That(full.Output, Does.Contain("views/s").And.Contain("metric head and calibration: fitted (a full build; --incremental keeps them while few rows change)"));
        Assert.That(kept.Output, Does.Contain("metric head and calibration: kept: 0 row(s) changed since they were fitted on 5"));
        Assert.That(kept.Output, Does.Not.Contain("views/s"), "a kept head needs no views");
        Assert.That(retrained.Output, Does.Contain("metric head and calibration: fitted again: --retrain"));
        Assert.That(retrained.Output, Does.Contain("augmented views: 2 of each of 5 photos for the metric head: 10 from index.views.bin, 0 embedded"));
    }

    [Test]
    public void Build_with_failed_rows_exits_1_lists_them_and_keeps_the_previous_index()
    {
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 3, extraRows: ["X9,Missing,Hat,2,nowhere.jpg"]);
        var index = Path.Combine(folder, "index.csv");
        File.WriteAllText(index, "previous");

        var (exitCode, output, _) = EmbedCommandTests.Run("build", "--catalog", catalog.Path, "--out", index, "--model", ModelZooFixture.PreparedModel);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("X9").And.Contain("image file not found").And.Contain("was not changed"));
        Assert.That(File.ReadAllText(index), Is.EqualTo("previous"));
    }

    [Test]
    public void Build_of_a_malformed_catalog_exits_2_with_line_numbered_messages()
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-cli-").FullName;
        var catalog = Path.Combine(folder, "products.csv");
        File.WriteAllText(catalog, "id,name,category,price,image_url\nA,x,Hat,cheap,a.jpg\nA,y,Hat,1,b.jpg\n");

        var (exitCode, _, error) = EmbedCommandTests.Run("build", "--catalog", catalog, "--out", Path.Combine(folder, "index.csv"), "--model", ModelZooFixture.PreparedModel);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error, Does.Contain("products.csv:2: price 'cheap' is not a number"));
        Assert.That(error, Does.Contain("products.csv:3: duplicate id 'A' (first on line 2)"));
        Assert.That(File.Exists(Path.Combine(folder, "index.csv")), Is.False);
    }

    [Test]
    public void Build_with_bad_arguments_exits_2()
    {
        Assert.That(EmbedCommandTests.Run("build", "--catalog", "x.csv").ExitCode, Is.EqualTo(2), "--out is required");
        Assert.That(EmbedCommandTests.Run("build", "--catalog", "/no/such.csv", "--out", "/tmp/x.csv").ExitCode, Is.EqualTo(2));
    }

    [Test]
    public void Evaluate_json_finds_each_catalog_photo_as_its_own_best_match()
    {
        // Every catalog photo as a query of its own exact product: recall@1 must be 1 and the top score 1.
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 6);
        var index = Path.Combine(folder, "index.csv");
        Assert.That(EmbedCommandTests.Run("build", "--catalog", catalog.Path, "--out", index, "--model", ModelZooFixture.PreparedModel).ExitCode, Is.Zero);
        var lines = File.ReadAllLines(catalog.Path).Skip(1).Select(l => l.Split(','));
        File.WriteAllLines(catalog.Path, ["id,name,category,price,image_url,group", .. lines.Select(f => string.Join(',', f) + "," + f[0])]);
        var queries = Path.Combine(folder, "queries.csv");
        File.WriteAllLines(queries, ["id,category,group,image_path", .. lines.Select(f => $"q{f[0]},{f[2]},{f[0]},{f[4]}")]);

        var (exitCode, output, error) = EmbedCommandTests.Run("evaluate", "--catalog", catalog.Path, "--index", index, "--queries", queries, "--k", "1,3", "--json", "--model", ModelZooFixture.PreparedModel);

        Assert.That(exitCode, Is.Zero, error);
        using var report = JsonDocument.Parse(output);
        var root = report.RootElement;
        Assert.That(root.GetProperty("queries").GetInt32(), Is.EqualTo(6));
        Assert.That(root.GetProperty("group_recall_at_k").GetProperty("1").GetDouble(), Is.EqualTo(1.0));
        Assert.That(root.GetProperty("category_precision_at_k").GetProperty("1").GetDouble(), Is.EqualTo(1.0));
        Assert.That(root.GetProperty("top1_score").GetProperty("min").GetDouble(), Is.EqualTo(1.0).Within(1e-4));
        Assert.That(root.GetProperty("queries_with_result_above_threshold").GetInt32(), Is.EqualTo(6));
    }

    [Test]
    public void Evaluate_refuses_an_index_built_with_another_model()
    {
        var (catalog, folder) = IndexBuilderTests.SampleCatalog(photos: 2);
        var index = Path.Combine(folder, "index.csv");
        Assert.That(EmbedCommandTests.Run("build", "--catalog", catalog.Path, "--out", index, "--model", ModelZooFixture.PreparedModel).ExitCode, Is.Zero);
        var queries = Path.Combine(folder, "queries.csv");
        File.WriteAllText(queries, "id,category,image_path\nq,Hat,x.jpg\n");

        var (exitCode, _, error) = EmbedCommandTests.Run("evaluate", "--catalog", catalog.Path, "--index", index, "--queries", queries,
            "--model", ModelZooFixture.ReferenceFp32Features);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error, Does.Contain("was built with model").And.Contain("rebuild"));
    }
}
