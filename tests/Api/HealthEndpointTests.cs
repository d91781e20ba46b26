using System.Net;
using System.Text.Json;
using ImageSearch.Api.Contracts;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Tests.Api;

/// <summary>/health/live, /health/ready, /stats and the Swagger document.</summary>
public sealed class HealthEndpointTests : ApiTestFixture
{
    [Test]
    public async Task Live_and_ready_answer_200_once_the_model_and_index_are_loaded()
    {
        Assert.That((await Client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await Client.GetAsync("/health/ready");

        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ready.ReadAsync<HealthResponse>(), Is.EqualTo(new HealthResponse("ready", true, true)));
    }

    [Test]
    public async Task Stats_describe_the_catalog_the_model_and_the_index()
    {
        var metadata = ApiTestCatalog.Index().Metadata;

        var stats = await (await Client.GetAsync("/stats")).ReadAsync<StatsResponse>();

        Assert.That((stats!.Products, stats.Indexed), Is.EqualTo((21, 20)));
        Assert.That(stats.Categories, Is.EqualTo(new[] { "Blazer", "Dress", "Hat", "Shoes", "T-Shirt" }));
        Assert.That((stats.ModelSha256, stats.Preprocessing, stats.Dimension), Is.EqualTo((metadata.ModelSha256, metadata.Preprocessing, 1280)));
        Assert.That(stats.IndexBuiltAt, Is.EqualTo(metadata.BuiltAt));
        Assert.That(stats.CatalogChangedSinceBuild, Is.False);
        Assert.That(stats.IndexStorage, Is.EqualTo("binary-exact"), "the build wrote index.bin and the service mapped it");
        Assert.That(stats.ExecutionProvider, Is.EqualTo("cpu"), "the CPU package runs the model here");
        Assert.That(stats.JpegDecoder, Is.EqualTo(TurboJpegDecoder.IsAvailable ? "libjpeg-turbo (system, SIMD)" : "SkiaSharp"));
    }

    [Test]
    public async Task Swagger_documents_every_endpoint_its_parameters_and_its_errors()
    {
        var response = await Client.GetAsync("/swagger/v1/swagger.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");

        Assert.That(paths.EnumerateObject().Select(p => p.Name), Is.SupersetOf(new[]
        {
            "/search", "/products", "/products/{id}", "/products/{id}/similar", "/images/{id}", "/health/live", "/health/ready", "/stats",
        }));
        var search = paths.GetProperty("/search").GetProperty("post");
        Assert.That(search.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "200", "400", "413", "415", "422", "502", "504" }));
        Assert.That(search.GetProperty("summary").GetString(), Is.Not.Empty);
        Assert.That(search.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _), Is.True);
        var similar = paths.GetProperty("/products/{id}/similar").GetProperty("get");
        Assert.That(similar.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Is.EquivalentTo(new[] { "id", "top_k", "threshold" }));
        Assert.That(similar.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("description").GetString()), Has.All.Not.Empty);
        Assert.That((await Client.GetAsync("/swagger/index.html")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
