using System.Collections.Concurrent;
using System.Net;
using ImageSearch.Api.Contracts;
using ImageSearch.Api.Hosting;
using ImageSearch.Core.Postgres;
using ImageSearch.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.Tests.Postgres;

/// <summary>
/// The PostgreSQL store under failure and change: a database that stops gives 503 problem details (with
/// Retry-After) and a not-ready readiness, and the service recovers by itself when it returns; publishing and
/// switching to a new version under a bounded load fails no request, and the service moves to it without a restart.
/// </summary>
[TestFixture]
public sealed class PostgresResilienceTests
{
    private readonly string _schema = PostgresTestServer.NewSchema("resilience");
    private PostgresVectorStore _store = null!;

    [OneTimeSetUp]
    public async Task PublishTheSample()
    {
        _store = PostgresTestServer.Store(_schema);
        await PostgresTestServer.PublishSampleAsync(_store);
    }

    [OneTimeTearDown]
    public async Task DropTheSchema()
    {
        if (_store is not null)
        {
            PostgresTestServer.Resume();
            await using var connection = await _store.OpenCheckedConnectionAsync(CancellationToken.None);
            await using var command = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
            await _store.DisposeAsync();
        }
    }

    [Test]
    public async Task A_stopped_database_gives_503_problem_details_and_the_service_recovers_when_it_returns()
    {
        await using var factory = new ApiFactory(PostgresTestServer.ApiSettings(_schema, ("ImageSearch:Postgres:ConnectTimeout", "00:00:01"), ("ImageSearch:Postgres:PollInterval", "00:00:00.500")));
        using var client = factory.CreateClient();
        var photo = await File.ReadAllBytesAsync(PostgresSearchTests.QueryPhotos()[0]);
        var before = await PostgresSearchTests.SearchAsync(client, photo, ("top_k", "5"), ("threshold", "0"));
        Assert.That(before.Results, Has.Count.EqualTo(5));

        PostgresTestServer.Halt();
        try
        {
            using (var form = SearchForms.WithFile(photo, ("top_k", "5")))
            {
                var search = await client.PostAsync("/search", form);
                var problem = await Problems.AssertProblemAsync(search, HttpStatusCode.ServiceUnavailable);
                Assert.That(problem.Title(), Is.EqualTo("The vector database is unavailable"));
                Assert.That(search.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
            }

            await Problems.AssertProblemAsync(await client.GetAsync("/products/C0001/similar"), HttpStatusCode.ServiceUnavailable);
            var ready = await client.GetAsync("/health/ready");
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That((await ready.ReadAsync<HealthResponse>())!.DatabaseReachable, Is.False);
            Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "alive: the process is fine, only its database is not");
        }
        finally
        {
            PostgresTestServer.Resume();
        }

        var after = await PostgresSearchTests.SearchAsync(client, photo, ("top_k", "5"), ("threshold", "0"));
        Assert.That(after.Results.Select(r => r.Id), Is.EqualTo(before.Results.Select(r => r.Id)));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_version_switch_under_load_fails_no_request_and_is_picked_up_without_a_restart()
    {
        // The per-client rate limit is off: the load comes from one test client, and every answer must be a 200.
        await using var factory = new ApiFactory(PostgresTestServer.ApiSettings(_schema, ("ImageSearch:Postgres:PollInterval", "00:00:00.200"), ("ImageSearch:RateLimit:Enabled", "false")));
        using var client = factory.CreateClient();
        var watcher = factory.Services.GetRequiredService<PostgresVersionWatcher>();
        var first = watcher.LoadedVersion;
        var photo = await File.ReadAllBytesAsync(PostgresSearchTests.QueryPhotos()[1]);
        var expected = (await PostgresSearchTests.SearchAsync(client, photo, ("top_k", "10"), ("threshold", "0"))).Results.Select(r => r.Id).ToList();

        // Bounded load: four clients, similar-products and photo searches, until the switch is seen plus 50 more each (at most 2,000 in all).
        var failures = new ConcurrentQueue<string>();
        var requests = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var switched = new TaskCompletionSource();
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var after = 0;
            while (!stop.IsCancellationRequested && after < 50 && Interlocked.Increment(ref requests) <= 2000)
            {
                HttpResponseMessage response;
                if (worker % 2 == 0)
                {
                    response = await client.GetAsync($"/products/C{(worker * 97 % 1331) + 1:D4}/similar?top_k=10");
                }
                else
                {
                    using var form = SearchForms.WithFile(photo, ("top_k", "10"), ("threshold", "0"));
                    response = await client.PostAsync("/search", form);
                    if (response.IsSuccessStatusCode)
                    {
                        var ids = (await response.ReadAsync<SearchResponse>())!.Results.Select(r => r.Id).ToList();
                        if (!ids.SequenceEqual(expected))
                        {
                            failures.Enqueue("a search during the switch answered differently: " + string.Join(",", ids));
                        }
                    }
                }

                if (!response.IsSuccessStatusCode)
                {
                    failures.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                if (switched.Task.IsCompleted)
                {
                    after++;
                }
            }
        })).ToArray();

        var published = await PostgresTestServer.PublishSampleAsync(_store);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (watcher.LoadedVersion != published.Version && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        switched.SetResult();
        await Task.WhenAll(load);

        Assert.That(watcher.LoadedVersion, Is.EqualTo(published.Version), $"the service moved from version {first} to the new one");
        Assert.That(published.Version, Is.GreaterThan(first));
        Assert.That(failures, Is.Empty);
        Assert.That(requests, Is.GreaterThan(200), "the load ran through the switch");
        TestContext.Out.WriteLine($"{Math.Min(requests, 2000)} requests through the switch from version {first} to {published.Version}, none failed");
    }

    [Test]
    public async Task Versions_retired_longer_than_the_grace_period_are_dropped_and_the_current_one_never_is()
    {
        var before = await _store.CurrentVersionAsync(CancellationToken.None);
        var kept = await PostgresTestServer.PublishSampleAsync(_store, new PublishOptions { GracePeriod = TimeSpan.FromHours(1) });
        Assert.That(kept.Dropped, Does.Not.Contain(before!.Value), "retired just now: within the grace period");

        var latest = await PostgresTestServer.PublishSampleAsync(_store, new PublishOptions { GracePeriod = TimeSpan.Zero });
        Assert.That(latest.Dropped, Does.Contain(before.Value).And.Contain(kept.Version));
        Assert.That(latest.Dropped, Does.Not.Contain(latest.Version));
        Assert.That(await _store.CurrentVersionAsync(CancellationToken.None), Is.EqualTo(latest.Version));
        await using var tables = _store.DataSource.CreateCommand($"SELECT count(*) FROM pg_tables WHERE schemaname = '{_schema}' AND tablename LIKE 'products_v%'");
        Assert.That(await tables.ExecuteScalarAsync(), Is.EqualTo(1L), "only the current version's table is left");
    }
}
