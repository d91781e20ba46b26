using ImageSearch.Tests.Embedding;

namespace ImageSearch.Tests.Api;

/// <summary>The service refuses to start, with a message that says what is wrong, rather than serving wrong answers.</summary>
public sealed class StartupTests
{
    [Test]
    public void A_missing_index_stops_the_start_naming_the_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"imagesearch-missing-{Guid.NewGuid():N}", "index.csv");

        var message = ApiFactory.StartFails(new() { ["ImageSearch:IndexPath"] = missing });

        Assert.That(message, Does.Contain("ImageSearch:IndexPath").And.Contain(missing));
    }

    [Test]
    public void A_missing_model_or_catalog_stops_the_start_naming_each_path()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"imagesearch-missing-{Guid.NewGuid():N}");

        var message = ApiFactory.StartFails(new()
        {
            ["ImageSearch:ModelPath"] = Path.Combine(folder, "model.onnx"),
            ["ImageSearch:CatalogPath"] = Path.Combine(folder, "products.csv"),
        });

        Assert.That(message, Does.Contain(Path.Combine(folder, "model.onnx")).And.Contain(Path.Combine(folder, "products.csv")));
    }

    [Test]
    public void An_index_without_its_metadata_stops_the_start()
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-nometa-").FullName;
        var index = Path.Combine(folder, "index.csv");
        File.Copy(ApiTestCatalog.IndexPath, index);

        var message = ApiFactory.StartFails(new() { ["ImageSearch:IndexPath"] = index });

        Assert.That(message, Does.Contain(index + ".meta.json"));
    }

    [Test]
    public void An_index_built_with_another_model_is_refused_with_the_mismatch_message()
    {
        // The reference features model is another file (another SHA-256) than the model the index was built with.
        var message = ApiFactory.StartFails(new() { ["ImageSearch:ModelPath"] = ModelZooFixture.ReferenceFeatures });

        Assert.That(message, Does.Contain(ApiTestCatalog.IndexPath).And.Contain("was built with model").And.Contain("rebuild the index"));
    }

    [Test]
    public void Bad_limits_stop_the_start()
    {
        var message = ApiFactory.StartFails(new() { ["ImageSearch:MaxUploadBytes"] = "0", ["ImageSearch:Preprocessing"] = "sharpen" });

        Assert.That(message, Does.Contain("MaxUploadBytes").And.Contain("sharpen"));
    }

    [Test]
    public void A_rate_limit_that_admits_no_image_stops_the_start_and_names_the_setting()
    {
        var message = ApiFactory.StartFails(new() { ["ImageSearch:RateLimit:ImagePermitLimit"] = "0" });

        Assert.That(message, Does.Contain("ImageSearch:RateLimit").And.Contain("ImagePermitLimit must be positive"));
    }
}
