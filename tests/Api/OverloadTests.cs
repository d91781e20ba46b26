using System.Net;
using ImageSearch.Api;
using ImageSearch.Api.Errors;
using ImageSearch.Api.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageSearch.Tests.Api;

/// <summary>Overload: embeddings beyond the limit and its queue get 503, clients beyond their rate get 429; both with Retry-After.</summary>
public sealed class OverloadTests
{
    [Test]
    public async Task Searches_beyond_the_embedding_limit_and_queue_get_503_with_retry_after_and_the_others_succeed()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:Concurrency:MaxConcurrentEmbeddings"] = "1",
            ["ImageSearch:Concurrency:QueueLength"] = "0",
            ["ImageSearch:Concurrency:RetryAfter"] = "00:00:02",
            ["ImageSearch:RateLimit:Enabled"] = "false",
        });
        using var client = factory.CreateClient();
        var photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"));
        var answers = new List<HttpResponseMessage>();

        // Another search's embedding holds the only slot, and the queue holds none: every search now is refused.
        var limiter = factory.Services.GetRequiredService<EmbeddingLimiter>();
        using (await limiter.AcquireAsync(CancellationToken.None))
        {
            for (var i = 0; i < 3; i++)
            {
                answers.Add(await client.PostAsync("/search", SearchForms.WithFile(photo)));
            }
        }

        answers.Add(await client.PostAsync("/search", SearchForms.WithFile(photo)));
        Assert.That(answers.Select(a => a.StatusCode), Is.EqualTo(new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK }));
        Assert.That(answers.Select(a => a.StatusCode), Has.All.AnyOf(HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable));
        Assert.That(answers.Select(a => a.StatusCode), Has.Some.EqualTo(HttpStatusCode.OK).And.Some.EqualTo(HttpStatusCode.ServiceUnavailable));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable))
        {
            var problem = await Problems.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(problem.Detail(), Does.Contain("try again"));
            Assert.That(problem.GetProperty("requestId").GetString(), Is.EqualTo(refused.Headers.GetValues("X-Request-Id").Single()));
        }

        foreach (var answer in answers)
        {
            answer.Dispose();
        }

        // The process survives and serves again.
        using var after = await client.PostAsync("/search", SearchForms.WithFile(photo));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(factory.Logs, Has.None.StartsWith("Error"));
    }

    [Test]
    public async Task The_limiter_admits_the_limit_queues_the_queue_and_refuses_the_rest()
    {
        var options = Options.Create(new ImageSearchOptions { Concurrency = new ConcurrencyOptions { MaxConcurrentEmbeddings = 1, QueueLength = 1 } });
        using var limiter = new EmbeddingLimiter(options);

        var first = await limiter.AcquireAsync(CancellationToken.None);
        var queued = limiter.AcquireAsync(CancellationToken.None).AsTask();
        var refused = await Assert.ThrowsAsync<ApiProblemException>(async () => await limiter.AcquireAsync(CancellationToken.None));

        Assert.That(queued.IsCompleted, Is.False);
        Assert.That((refused!.Status, refused.RetryAfter), Is.EqualTo((503, TimeSpan.FromSeconds(1))));
        first.Dispose();
        using var second = await queued.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(second.IsAcquired, Is.True);
    }

    [Test]
    public void The_default_limit_is_one_embedding_per_processor_with_a_queue_of_eight_per_slot()
    {
        var concurrency = new ConcurrencyOptions();

        Assert.That((concurrency.EffectiveLimit, concurrency.EffectiveQueueLength), Is.EqualTo((Environment.ProcessorCount, 8 * Environment.ProcessorCount)));
    }

    [Test]
    public async Task A_client_over_its_rate_gets_429_with_retry_after_and_health_probes_are_never_limited()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:RateLimit:PermitLimit"] = "3",
            ["ImageSearch:RateLimit:Window"] = "00:01:00",
        });
        using var client = factory.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync("/products");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var limited = await client.GetAsync("/products/C0001");
        var problem = await Problems.AssertProblemAsync(limited, (HttpStatusCode)429);
        Assert.That(problem.Title(), Is.EqualTo("Too many requests"));
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromMinutes(1)));
        Assert.That(problem.GetProperty("requestId").GetString(), Is.Not.Empty);
        using var search = await client.PostAsync("/search", SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"))));
        Assert.That((int)search.StatusCode, Is.EqualTo(429));
        for (var i = 0; i < 5; i++)
        {
            using var live = await client.GetAsync("/health/live");
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task A_page_of_a_hundred_thumbnails_is_never_refused_and_leaves_the_clients_searches_untouched()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:RateLimit:PermitLimit"] = "3",
            ["ImageSearch:RateLimit:Window"] = "00:01:00",
        });
        using var client = factory.CreateClient();

        var thumbnails = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var image = await client.GetAsync("/images/C0001");
            return image.StatusCode;
        }));

        Assert.That(thumbnails, Is.All.EqualTo(HttpStatusCode.OK));
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync("/products");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the searches' budget is whole");
        }

        using var limited = await client.GetAsync("/products");
        Assert.That((int)limited.StatusCode, Is.EqualTo(429));
    }

    [Test]
    public async Task Images_beyond_their_own_limit_get_429_that_names_that_limit_and_other_requests_go_on()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:RateLimit:ImagePermitLimit"] = "5",
            ["ImageSearch:RateLimit:Window"] = "00:01:00",
        });
        using var client = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            using var ok = await client.GetAsync("/images/C0001");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var limited = await client.GetAsync("/images/C0001");
        var problem = await Problems.AssertProblemAsync(limited, (HttpStatusCode)429);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("5 product images per 60 s"));
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        using var products = await client.GetAsync("/products");
        Assert.That(products.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Every_route_but_the_probes_and_the_metrics_scrape_requires_the_per_client_rate_limit()
    {
        await using var factory = new ApiFactory();
        _ = factory.Server;
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: e.RoutePattern.RawText!.TrimEnd('/'), Policy: e.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName))
            .ToList();

        var unlimited = routes.Where(r => r.Policy is null).Select(r => r.Route).Distinct().ToList();
        Assert.That(unlimited, Is.EquivalentTo(new[] { "/health/live", "/health/ready", "/metrics" }));
        Assert.That(routes.Where(r => r.Policy == ClientRateLimit.ImagesPolicy).Select(r => r.Route).Distinct(), Is.EqualTo(new[] { "/images/{id}" }),
            "product images have their own budget");
        Assert.That(routes.Where(r => r.Policy is not null && r.Route != "/images/{id}").Select(r => r.Policy).Distinct(), Is.EqualTo(new[] { ClientRateLimit.Policy }),
            "one policy for the rest: a client's requests count together wherever they go");
        Assert.That(routes.Select(r => r.Route), Is.SupersetOf(new[] { "/search", "/search/vector", "/products/{id}/similar", "/images/{id}", "/model/feature.onnx", "/stats" }));
    }

    [Test]
    public async Task A_disabled_rate_limit_lets_every_request_through()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:RateLimit:Enabled"] = "false",
            ["ImageSearch:RateLimit:PermitLimit"] = "1",
        });
        using var client = factory.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var ok = await client.GetAsync("/products");
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }
}
