using System.Net;
using ImageSearch.Tests.Fetching;

namespace ImageSearch.Tests.Api;

/// <summary>
/// Searches by URL take a fetch slot before they fetch: beyond the slots they are refused at once with 503 and
/// Retry-After, so hosts that answer slowly or stall cannot make the service hold more response bodies than the slots.
/// </summary>
public sealed class FetchLimitTests
{
    /// <summary>
    /// The process may grow by at most this much while the attack runs (2 slots × a 9 MiB body, its growing buffer's
    /// copies and the runtime's slack come to well under it; 24 unbounded fetches would hold over 200 MiB of bodies).
    /// </summary>
    private const long GrowthCeilingBytes = 160L * 1024 * 1024;

    private const int StalledBytes = 9 * 1024 * 1024;

    [Test]
    public async Task Searches_beyond_the_fetch_slots_get_503_at_once_and_memory_stays_bounded_while_a_host_stalls()
    {
        // Declares the fetch limit, sends 9 MiB, then sends nothing more until the fetch gives up.
        await using var stalling = new LoopbackHttpServer(async (_, stream, ct) =>
        {
            await LoopbackHttpServer.WriteHeadAsync(stream, 200, ct, ("Content-Type", "image/jpeg"), ("Content-Length", (10 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var chunk = new byte[64 * 1024];
            for (var sent = 0; sent < StalledBytes; sent += chunk.Length)
            {
                await stream.WriteAsync(chunk, ct);
            }

            await stream.FlushAsync(ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var settings = ApiFactory.LoopbackFetching(TimeSpan.FromSeconds(4), stalling.Port);
        settings["ImageSearch:Concurrency:MaxConcurrentFetches"] = "2";
        settings["ImageSearch:Concurrency:RetryAfter"] = "00:00:03";
        settings["ImageSearch:RateLimit:Enabled"] = "false";
        await using var factory = new ApiFactory(settings);
        using var client = factory.CreateClient();
        using (var warm = await client.GetAsync("/health/ready"))
        {
            Assert.That(warm.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await using var probe = WorkingSetProbe.Start();

        var url = stalling.Url("/photo.jpg").ToString();
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => client.PostAsync("/search", SearchForms.WithUrl(url))));
        await probe.StopAsync();

        var statuses = answers.Select(a => a.StatusCode).ToList();
        TestContext.Out.WriteLine($"statuses: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Count()}×{(int)g.Key}"))}; " +
            $"working set {probe.Baseline / 1048576.0:0} MiB before, peak +{probe.PeakGrowth / 1048576.0:0} MiB");
        Assert.That(statuses, Has.All.AnyOf(HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout));
        Assert.That(statuses.Count(s => s == HttpStatusCode.ServiceUnavailable), Is.GreaterThanOrEqualTo(22), "all but the two slots' searches are refused");
        Assert.That(stalling.Requests, Has.Count.LessThanOrEqualTo(2), "refused searches never connect");
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable))
        {
            var problem = await Problems.AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(problem.Detail(), Does.Contain("fetching 2 image URLs"));
        }

        Assert.That(probe.PeakGrowth, Is.LessThan(GrowthCeilingBytes), "the working set's growth during the attack");

        // After it, the fetched bodies are garbage: the managed heap comes back to where it was.
        foreach (var answer in answers)
        {
            answer.Dispose();
        }

        Assert.That(WorkingSetProbe.Settled() - probe.Baseline, Is.LessThan(GrowthCeilingBytes / 2), "the working set after the attack");
        using var after = await client.PostAsync("/search", SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"))));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
