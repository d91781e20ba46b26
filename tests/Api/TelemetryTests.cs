using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ImageSearch.Api.Hosting;
using ImageSearch.Tests.Fetching;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.Tests.Api;

/// <summary>
/// The Prometheus scrape endpoint shows the service's own metrics with ASP.NET Core's and the runtime's; one trace
/// follows a search through fetch, embedding (decode, inference) and the index search; OTLP export is switched on
/// by a setting.
/// </summary>
public sealed class TelemetryTests
{
    [Test]
    public async Task After_searches_the_scrape_endpoint_shows_latencies_queue_refusals_fetch_outcomes_and_index_size()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ImageSearch:Concurrency:MaxConcurrentFetches"] = "1",
            ["ImageSearch:RateLimit:Enabled"] = "false",
        });
        using var client = factory.CreateClient();
        using (var search = await client.PostAsync("/search", SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001")))))
        {
            Assert.That(search.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using (var notAllowed = await client.PostAsync("/search", SearchForms.WithUrl("http://10.1.2.3/photo.jpg")))
        {
            Assert.That(notAllowed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        using (await factory.Services.GetRequiredService<FetchLimiter>().AcquireAsync(CancellationToken.None))
        {
            using var busy = await client.PostAsync("/search", SearchForms.WithUrl("https://images.example.com/photo.jpg"));
            Assert.That(busy.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        }

        var metrics = await ScrapeUntilAsync(client, "imagesearch_refusals_total");

        Assert.That(metrics, Does.Match(@"imagesearch_embedding_duration_seconds_count\{[^}]*source=""upload""[^}]*\} 1\b"));
        Assert.That(metrics, Does.Match(@"imagesearch_search_duration_seconds_bucket\{"));
        Assert.That(metrics, Does.Match(@"imagesearch_embedding_queued(\{[^}]*\})? 0\b"));
        Assert.That(metrics, Does.Match(@"imagesearch_embedding_active(\{[^}]*\})? 0\b"));
        Assert.That(metrics, Does.Match(@"imagesearch_refusals_total\{[^}]*limiter=""fetch""[^}]*\} 1\b"));
        Assert.That(metrics, Does.Match(@"imagesearch_fetches_total\{[^}]*outcome=""url_not_allowed""[^}]*\} 1\b"));
        Assert.That(metrics, Does.Match(@"imagesearch_index_products(\{[^}]*\})? 20\b"));
        Assert.That(metrics, Does.Match(@"imagesearch_catalog_products(\{[^}]*\})? 21\b"));
        Assert.That(metrics, Does.Contain("http_server_request_duration_seconds_bucket"), "ASP.NET Core's metrics");
        Assert.That(metrics, Does.Contain("dotnet_gc_collections_total").Or.Contain("dotnet_gc_heap_total_allocated_bytes_total"), "the runtime's metrics");
    }

    [Test]
    public async Task Reloads_and_refused_reloads_are_counted()
    {
        var catalog = ReloadableCatalog.Create();
        await using var factory = catalog.Factory();
        using var client = factory.CreateClient();

        ReloadableCatalog.ReplaceAtomically(catalog.IndexPath, "this is,not an index\n"u8.ToArray());
        await ReloadableCatalog.WaitForStatsAsync(client, s => s.LastReloadFailure is not null, "the refusal");
        catalog.Deploy(ReloadableCatalog.SubsetBuild);
        await ReloadableCatalog.WaitForStatsAsync(client, s => s.Indexed == ReloadableCatalog.SubsetBuild.ProductCount, "the good index");

        var metrics = await ScrapeUntilAsync(client, "result=\"success\"");
        Assert.That(metrics, Does.Match(@"imagesearch_index_reloads_total\{[^}]*result=""failure""[^}]*\} 1\b"));
        Assert.That(metrics, Does.Match(@"imagesearch_index_reloads_total\{[^}]*result=""success""[^}]*\} 1\b"));
        Assert.That(metrics, Does.Match($@"imagesearch_index_products(\{{[^}}]*\}})? {ReloadableCatalog.SubsetBuild.ProductCount}\b"));
    }

    [Test]
    public async Task The_scrape_endpoint_can_be_switched_off()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:Telemetry:PrometheusEnabled"] = "false" });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task One_trace_follows_a_search_by_url_through_fetch_embedding_decode_inference_and_search()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "ImageSearch" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = LoopbackHttpServer.Serving(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0003")));
        var settings = ApiFactory.LoopbackFetching(TimeSpan.FromSeconds(5), server.Port);
        settings["ImageSearch:RateLimit:Enabled"] = "false";
        await using var factory = new ApiFactory(settings);
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/search", SearchForms.WithUrl(server.Url("/photo.jpg").ToString()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var search = stopped.Last(a => a.OperationName == "imagesearch.search");
        var trace = stopped.Where(a => a.TraceId == search.TraceId).ToList();
        Assert.That(trace.Select(a => a.OperationName), Is.SupersetOf(new[]
        {
            "Microsoft.AspNetCore.Hosting.HttpRequestIn", "imagesearch.fetch", "imagesearch.embed", "imagesearch.decode", "imagesearch.inference", "imagesearch.search",
        }));
        var embed = trace.Single(a => a.OperationName == "imagesearch.embed");
        Assert.That(trace.Single(a => a.OperationName == "imagesearch.decode").ParentSpanId, Is.EqualTo(embed.SpanId));
        Assert.That(trace.Single(a => a.OperationName == "imagesearch.inference").ParentSpanId, Is.EqualTo(embed.SpanId));
        var request = trace.Single(a => a.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn");
        Assert.That(trace.Single(a => a.OperationName == "imagesearch.fetch").ParentSpanId, Is.EqualTo(request.SpanId));
        Assert.That(search.ParentSpanId, Is.EqualTo(request.SpanId));
    }

    [Test]
    public async Task An_OTLP_endpoint_setting_switches_on_the_export_of_traces_and_metrics()
    {
        await using var collector = new LoopbackHttpServer((_, stream, ct) => LoopbackHttpServer.RespondAsync(stream, 200, [], ct));

        // As the environment sets it in production: the exporters are chosen while the services are registered,
        // before the in-memory host's own settings apply.
        Environment.SetEnvironmentVariable("ImageSearch__Telemetry__OtlpEndpoint", collector.Url("/").ToString());
        Environment.SetEnvironmentVariable("ImageSearch__Telemetry__OtlpProtocol", "HttpProtobuf");
        try
        {
            var factory = new ApiFactory();
            using (var client = factory.CreateClient())
            {
                using var response = await client.PostAsync("/search", SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"))));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }

            // Stopping the host flushes what is still batched.
            await factory.DisposeAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable("ImageSearch__Telemetry__OtlpEndpoint", null);
            Environment.SetEnvironmentVariable("ImageSearch__Telemetry__OtlpProtocol", null);
        }

        // The last batches may still be on their way when the host is gone.
        var expected = new[] { ("POST", "/v1/traces"), ("POST", "/v1/metrics") };
        var paths = collector.Requests.Select(r => (r.Method, r.Target)).ToList();
        for (var wait = 0; wait < 100 && !expected.All(paths.Contains); wait++)
        {
            await Task.Delay(100);
            paths = [.. collector.Requests.Select(r => (r.Method, r.Target))];
        }

        Assert.That(paths, Is.SupersetOf(expected));
    }

    private static async Task<string> ScrapeUntilAsync(HttpClient client, string expected)
    {
        var text = string.Empty;
        for (var attempt = 0; attempt < 50 && !text.Contains(expected, StringComparison.Ordinal); attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(100);
            }

            using var response = await client.GetAsync("/metrics");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            text = await response.Content.ReadAsStringAsync();
        }

        return text;
    }
}
