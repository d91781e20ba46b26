using System.Net;

namespace ImageSearch.Tests.Api;

/// <summary>X-Request-Id: accepted or generated, echoed, in problem details and in the request's log line; CORS for configured origins.</summary>
public sealed class RequestIdTests
{
    private const string Origin = "https://shop.example.com";

    private ApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:Cors:AllowedOrigins:0"] = Origin });
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Test]
    public async Task A_request_id_is_echoed_when_given_and_generated_when_absent()
    {
        using var given = new HttpRequestMessage(HttpMethod.Get, "/products/C0001");
        given.Headers.Add("X-Request-Id", "client-42.a:b_c");
        using var echoed = await _client.SendAsync(given);
        using var generated = await _client.GetAsync("/products/C0001");
        using var another = await _client.GetAsync("/products/C0001");

        Assert.That(echoed.Headers.GetValues("X-Request-Id").Single(), Is.EqualTo("client-42.a:b_c"));
        var id = generated.Headers.GetValues("X-Request-Id").Single();
        Assert.That(id, Has.Length.EqualTo(32).And.Not.EqualTo(another.Headers.GetValues("X-Request-Id").Single()));
    }

    [Test]
    public async Task An_unsafe_or_overlong_request_id_is_replaced()
    {
        foreach (var unsafeId in new[] { "two words", "<script>", new string('a', 129) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
            request.Headers.TryAddWithoutValidation("X-Request-Id", unsafeId);
            using var response = await _client.SendAsync(request);

            Assert.That(response.Headers.GetValues("X-Request-Id").Single(), Is.Not.EqualTo(unsafeId).And.Length.EqualTo(32));
        }
    }

    [Test]
    public async Task Problem_details_carry_the_request_id()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/products/NOPE");
        request.Headers.Add("X-Request-Id", "trace-me-404");
        using var response = await _client.SendAsync(request);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem.GetProperty("requestId").GetString(), Is.EqualTo("trace-me-404"));
        Assert.That(response.Headers.GetValues("X-Request-Id").Single(), Is.EqualTo("trace-me-404"));
    }

    [Test]
    public async Task The_request_log_line_names_the_request_id_and_never_the_query_string_or_the_image()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/search?token=s3cr3t-query")
        {
            Content = SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0002"))),
        };
        request.Headers.Add("X-Request-Id", "log-me-7");
        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var line = _factory.Logs.Single(l => l.Contains("HTTP POST /search", StringComparison.Ordinal) && l.Contains("log-me-7", StringComparison.Ordinal));
        Assert.That(line, Does.Contain("answered 200"));
        Assert.That(_factory.Logs, Has.None.Contains("s3cr3t-query"));
        Assert.That(_factory.Logs, Has.None.Contains("JFIF"), "no image bytes in the logs");
    }

    [Test]
    public async Task A_configured_origin_may_call_the_api_across_origins_and_others_may_not()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/search");
        preflight.Headers.Add("Origin", Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var allowed = await _client.SendAsync(preflight);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/stats");
        get.Headers.Add("Origin", Origin);
        using var simple = await _client.SendAsync(get);
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/stats");
        foreign.Headers.Add("Origin", "https://evil.example.net");
        using var refused = await _client.SendAsync(foreign);

        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Origin));
        Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Methods").Single(), Does.Contain("POST"));
        Assert.That(simple.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(Origin));
        Assert.That(simple.Headers.GetValues("Access-Control-Expose-Headers").Single(), Does.Contain("X-Request-Id").And.Contain("Retry-After"));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the browser, not the server, enforces CORS");
        Assert.That(refused.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }

    [Test]
    public async Task Without_configured_origins_no_cross_origin_headers_are_sent()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        using var get = new HttpRequestMessage(HttpMethod.Get, "/stats");
        get.Headers.Add("Origin", Origin);
        using var response = await client.SendAsync(get);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
    }
}
