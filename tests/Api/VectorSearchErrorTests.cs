using System.Globalization;
using System.Net;
using System.Text;
using ImageSearch.Api.Contracts;

namespace ImageSearch.Tests.Api;

/// <summary>
/// Every way POST /search/vector refuses a request, each answered with problem details naming what is wrong; after
/// each, the service still answers a vector search (see <see cref="The_service_still_searches_after_the_error"/>).
/// </summary>
public sealed class VectorSearchErrorTests : ApiTestFixture
{
    private const int Dimension = 1280;

    /// <summary>A valid vector's JSON: a unit vector along the first axis.</summary>
    private static string Vector(int length = Dimension, string? component = null, int at = 3) =>
        "[" + string.Join(',', Enumerable.Range(0, length).Select(i => i == at && component is not null ? component : i == 0 ? "1" : "0")) + "]";

    [TearDown]
    public async Task The_service_still_searches_after_the_error()
    {
        using var response = await PostAsync($$"""{"vector":{{Vector()}},"threshold":0}""");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a vector search right after the error");
        Assert.That((await response.ReadAsync<SearchResponse>())!.Results, Is.Not.Empty);
    }

    [TestCase("", "No vector", "The body is empty")]
    [TestCase("nope", "Malformed JSON", "not valid JSON")]
    [TestCase("{\"vector\": [1, 2", "Malformed JSON", "not valid JSON")]
    [TestCase("[1, 2, 3]", "Malformed JSON", "got a JSON array")]
    [TestCase("{}", "No vector", "an array of 1280 numbers")]
    [TestCase("{\"vector\": null}", "No vector", "an array of 1280 numbers")]
    [TestCase("{\"vector\": \"0.1,0.2\"}", "Invalid parameter 'vector'", "got a JSON string")]
    [TestCase("{\"vector\": {\"0\": 1}}", "Invalid parameter 'vector'", "got a JSON object")]
    public async Task A_body_without_a_usable_vector_is_400_saying_what_to_send(string body, string title, string detail)
    {
        using var response = await PostAsync(body);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Title(), Is.EqualTo(title));
        Assert.That(problem.Detail(), Does.Contain(detail));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(1279)]
    [TestCase(1281)]
    [TestCase(2048)]
    public async Task A_vector_of_another_length_than_the_index_is_400_naming_both(int length)
    {
        using var response = await PostAsync($$"""{"vector":{{Vector(length)}}}""");

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Title(), Is.EqualTo("Invalid parameter 'vector'"));
        Assert.That(problem.Detail(), Is.EqualTo($"'vector' has {length} components; this index takes {Dimension}."));
    }

    [TestCase("\"0.5\"", "'vector[3]' must be a number; got a JSON string")]
    [TestCase("null", "'vector[3]' must be a number; got a JSON null")]
    [TestCase("true", "'vector[3]' must be a number; got a JSON boolean")]
    [TestCase("[0.5]", "'vector[3]' must be a number; got a JSON array")]
    [TestCase("1e39", "'vector[3]' (1e39) is not a finite 32-bit number")]
    [TestCase("-4e38", "'vector[3]' (-4e38) is not a finite 32-bit number")]
    [TestCase("1e400", "'vector[3]' (1e400) is not a finite 32-bit number")]
    public async Task A_component_that_is_not_a_finite_number_is_400_naming_its_index(string component, string detail)
    {
        using var response = await PostAsync($$"""{"vector":{{Vector(component: component)}}}""");

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Detail(), Does.StartWith(detail));
    }

    [Test]
    public async Task An_all_zero_vector_is_400_because_it_has_no_direction()
    {
        var zeros = "[" + string.Join(',', Enumerable.Repeat("0", Dimension)) + "]";

        using var response = await PostAsync($$"""{"vector":{{zeros}}}""");

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Detail(), Does.Contain("all zeros"));
    }

    [TestCase("\"top_k\": 0", "top_k", "'top_k' must be a whole number from 1 to 100; got '0'.")]
    [TestCase("\"top_k\": 101", "top_k", "'top_k' must be a whole number from 1 to 100; got '101'.")]
    [TestCase("\"top_k\": 2.5", "top_k", "'top_k' must be a whole number from 1 to 100; got '2.5'.")]
    [TestCase("\"top_k\": \"ten\"", "top_k", "'top_k' must be a whole number from 1 to 100; got 'ten'.")]
    [TestCase("\"top_k\": true", "top_k", "'top_k' must be a number; got a JSON boolean.")]
    [TestCase("\"threshold\": 1.5", "threshold", "'threshold' must be a number from 0 to 1")]
    [TestCase("\"threshold\": [0.5]", "threshold", "'threshold' must be a number; got a JSON array.")]
    [TestCase("\"min_price\": -1", "min_price", "'min_price' must be a non-negative number")]
    [TestCase("\"max_price\": {}", "max_price", "'max_price' must be a number; got a JSON object.")]
    [TestCase("\"min_price\": 50, \"max_price\": 10", "min_price", "'min_price' (50) is above 'max_price' (10).")]
    [TestCase("\"category\": 5", "category", "'category' must be a string or an array of strings; got a JSON number.")]
    [TestCase("\"category\": [\"Shoes\", 5]", "category", "'category' must hold strings; got a JSON number.")]
    public async Task A_bad_option_is_400_naming_it_as_the_photo_search_does(string option, string name, string detail)
    {
        using var response = await PostAsync($$"""{"vector":{{Vector()}},{{option}}}""");

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Title(), Is.EqualTo($"Invalid parameter '{name}'"));
        Assert.That(problem.Detail(), Does.StartWith(detail));
    }

    [Test]
    public async Task The_same_bad_option_gets_the_same_answer_from_the_photo_search()
    {
        using var byVector = await PostAsync($$"""{"vector":{{Vector()}},"top_k":"ten"}""");
        using var byPhoto = await Client.PostAsync("/search", SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001")), ("top_k", "ten")));

        var vectorProblem = await Problems.AssertProblemAsync(byVector, HttpStatusCode.BadRequest);
        var photoProblem = await Problems.AssertProblemAsync(byPhoto, HttpStatusCode.BadRequest);
        Assert.That((vectorProblem.Title(), vectorProblem.Detail()), Is.EqualTo((photoProblem.Title(), photoProblem.Detail())));
    }

    [TestCase(null)]
    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    [TestCase("multipart/form-data; boundary=x")]
    public async Task A_body_that_is_not_json_is_415_saying_what_the_endpoint_takes(string? contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"vector":{{Vector()}}}"""));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await Client.PostAsync("/search/vector", content);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.That(problem.Detail(), Does.Contain("application/json"));
    }

    [Test]
    public async Task A_body_longer_than_a_vector_needs_is_413()
    {
        var padding = new string(' ', 200_000);

        using var response = await PostAsync($$"""{"vector":{{Vector()}},"pad":"{{padding}}"}""");

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.That(problem.Detail(), Does.Contain(string.Create(CultureInfo.InvariantCulture, $"{64 * 1024 + 64 * Dimension:N0} bytes")));
    }

    [Test]
    public async Task A_get_is_405_with_problem_details()
    {
        using var response = await Client.GetAsync("/search/vector");

        await Problems.AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    private async Task<HttpResponseMessage> PostAsync(string json) =>
        await Client.PostAsync("/search/vector", new StringContent(json, Encoding.UTF8, "application/json"));
}
