using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImageSearch.Api.Contracts;
using ImageSearch.Api.Hosting;
using ImageSearch.Api.Requests;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Tests.Embedding;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.Tests.Api;

/// <summary>POST /search/vector answers exactly as POST /search does for the photo the vector came from.</summary>
public sealed class VectorSearchEndpointTests : ApiTestFixture
{
    private ImageEmbedder _embedder = null!;

    [OneTimeSetUp]
    public void LoadEmbedder() => _embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });

    [OneTimeTearDown]
    public void DisposeEmbedder() => _embedder.Dispose();

    [TestCase(0)]
    [TestCase(7)]
    [TestCase(19)]
    public async Task The_vector_of_a_photo_finds_what_the_photo_finds_with_the_same_scores(int row)
    {
        var id = ApiTestCatalog.Index().Vectors.Ids[row];
        var photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf(id));

        var byPhoto = await PhotoSearchAsync(photo, ("top_k", "100"), ("threshold", "0"));
        var byVector = await VectorSearchAsync(new { vector = _embedder.Embed(photo), top_k = 100, threshold = 0 });

        Assert.That(byVector.Results, Is.EqualTo(byPhoto.Results));
        Assert.That((byVector.Count, byVector.Threshold), Is.EqualTo((byPhoto.Count, byPhoto.Threshold)));
        Assert.That(byVector.Results[0].Id, Is.EqualTo(id));
    }

    [Test]
    public async Task The_options_have_the_names_and_the_effect_they_have_on_a_photo_search()
    {
        var photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"));
        var vector = _embedder.Embed(photo);

        var byPhoto = await PhotoSearchAsync(photo, ("category", "Shoes"), ("category", "hat"), ("min_price", "10"), ("max_price", "100.5"), ("top_k", "3"), ("threshold", "0.2"));
        var byVector = await VectorSearchAsync(new { vector, category = new[] { "Shoes", "hat" }, min_price = 10, max_price = 100.5, top_k = 3, threshold = 0.2 });
        var oneCategory = await VectorSearchAsync(new { vector, category = "Shoes", threshold = 0 });
        var defaults = await VectorSearchAsync(new { vector });

        Assert.That(byVector.Results, Is.EqualTo(byPhoto.Results));
        Assert.That(byVector.Results, Has.Count.EqualTo(3));
        Assert.That(oneCategory.Results.Select(r => r.Category), Has.All.EqualTo("Shoes"));
        Assert.That(defaults.Threshold, Is.EqualTo(0.7), "the default threshold is that of POST /search");
        Assert.That(defaults.Results, Is.EqualTo((await PhotoSearchAsync(photo)).Results));
    }

    [Test]
    public async Task Options_may_be_strings_as_in_the_form_and_null_means_the_default()
    {
        var vector = _embedder.Embed(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0002")));

        var asStrings = await VectorSearchAsync(new { vector, top_k = "4", threshold = "0", min_price = "1" });
        var asNumbers = await VectorSearchAsync(new { vector, top_k = 4, threshold = 0, min_price = 1 });
        var asNulls = await VectorSearchAsync(new { vector, top_k = (int?)null, threshold = (float?)null, category = (string?)null, min_price = (decimal?)null });

        Assert.That(asStrings.Results, Is.EqualTo(asNumbers.Results));
        Assert.That(asStrings.Results, Has.Count.EqualTo(4));
        Assert.That(asNulls.Threshold, Is.EqualTo(0.7));
    }

    [TestCase(1000f)]
    [TestCase(1e-3f)]
    [TestCase(1e30f)]
    [TestCase(1e-30f)]
    public async Task The_vector_is_normalised_so_its_length_does_not_matter(float scale)
    {
        var vector = _embedder.Embed(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0003")));

        var unit = await VectorSearchAsync(new { vector, top_k = 100, threshold = 0 });
        var scaled = await VectorSearchAsync(new { vector = vector.Select(v => v * scale).ToArray(), top_k = 100, threshold = 0 });

        Assert.That(scaled.Results.Select(r => r.Id), Is.EqualTo(unit.Results.Select(r => r.Id)));
        Assert.That(scaled.Results.Select(r => r.Similarity), Is.EqualTo(unit.Results.Select(r => r.Similarity)).Within(1e-4));
    }

    [Test]
    public void Normalising_makes_unit_vectors_and_refuses_all_zeros()
    {
        float[] huge = [3e30f, 4e30f];
        float[] tiny = [3e-40f, 4e-40f];
        float[] zero = [0f, 0f, 0f];

        Assert.That((VectorQuery.TryNormalize(huge), VectorQuery.TryNormalize(tiny), VectorQuery.TryNormalize(zero)), Is.EqualTo((true, true, false)));
        Assert.That(huge, Is.EqualTo(new[] { 0.6f, 0.8f }).Within(1e-6f));
        Assert.That(tiny, Is.EqualTo(new[] { 0.6f, 0.8f }).Within(1e-6f));
    }

    [Test]
    public async Task A_vector_search_takes_no_embedding_slot_so_it_is_answered_while_every_slot_is_busy()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:Concurrency:MaxConcurrentEmbeddings"] = "1",
            ["ImageSearch:Concurrency:QueueLength"] = "0",
        });
        using var client = factory.CreateClient();
        var photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"));
        var limiter = factory.Services.GetRequiredService<EmbeddingLimiter>();

        using (await limiter.AcquireAsync(CancellationToken.None))
        {
            using var byPhoto = await client.PostAsync("/search", SearchForms.WithFile(photo));
            using var byVector = await client.PostAsJsonAsync("/search/vector", new { vector = _embedder.Embed(photo) });

            await Problems.AssertProblemAsync(byPhoto, HttpStatusCode.ServiceUnavailable);
            Assert.That(byVector.StatusCode, Is.EqualTo(HttpStatusCode.OK), await byVector.Content.ReadAsStringAsync());
        }
    }

    [Test]
    public async Task A_client_over_its_rate_gets_429_from_the_vector_search_too()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:RateLimit:PermitLimit"] = "2",
            ["ImageSearch:RateLimit:Window"] = "00:01:00",
        });
        using var client = factory.CreateClient();
        var body = new { vector = _embedder.Embed(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"))) };

        using var first = await client.PostAsJsonAsync("/search/vector", body);
        using var second = await client.PostAsJsonAsync("/search/vector", body);
        using var third = await client.PostAsJsonAsync("/search/vector", body);

        Assert.That((first.StatusCode, second.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        var problem = await Problems.AssertProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.That(problem.Title(), Is.EqualTo("Too many requests"));
        Assert.That(third.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public async Task Swagger_documents_the_vector_search_and_the_model_endpoints()
    {
        var paths = JsonDocument.Parse(await Client.GetStringAsync("/swagger/v1/swagger.json")).RootElement.GetProperty("paths");

        var vector = paths.GetProperty("/search/vector").GetProperty("post");
        Assert.That(vector.GetProperty("summary").GetString(), Is.Not.Empty);
        Assert.That(vector.GetProperty("responses").EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "200", "400", "413", "415", "429" }));
        var body = vector.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.That(body.GetRawText(), Does.Contain("VectorSearchRequest"));
        Assert.That(paths.GetProperty("/model").GetProperty("get").GetProperty("summary").GetString(), Is.Not.Empty);
        Assert.That(paths.GetProperty("/model/feature.onnx").GetProperty("get").GetProperty("responses").EnumerateObject().Select(r => r.Name),
            Is.SupersetOf(new[] { "200", "304", "404" }));
    }

    private async Task<SearchResponse> PhotoSearchAsync(byte[] photo, params (string Name, string Value)[] fields)
    {
        using var response = await Client.PostAsync("/search", SearchForms.WithFile(photo, fields));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<SearchResponse>())!;
    }

    private async Task<SearchResponse> VectorSearchAsync(object body)
    {
        using var response = await Client.PostAsJsonAsync("/search/vector", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<SearchResponse>())!;
    }
}
