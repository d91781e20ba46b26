using ImageSearch.Core.Fetching;

namespace ImageSearch.Tests.Fetching;

/// <summary>The fetcher's memory follows the bytes that arrive, never the length a peer declares.</summary>
public sealed class FetchBufferTests
{
    [Test]
    public async Task A_peer_that_declares_the_limit_and_sends_little_makes_the_fetcher_allocate_little()
    {
        const long declared = 10 * 1024 * 1024;
        await using var server = new LoopbackHttpServer(async (_, stream, ct) =>
        {
            await LoopbackHttpServer.WriteHeadAsync(stream, 200, ct, ("Content-Type", "image/jpeg"), ("Content-Length", declared.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await stream.WriteAsync(FetchTestKit.Image, ct);
        });
        var options = FetchTestKit.LoopbackOptions(server.Port);
        options.MaxBytes = declared;
        options.Retries = 0;
        using var fetcher = new SafeImageFetcher(options);
        await FetchTestKit.FailsAsync(fetcher, server.Url("/warm-up.jpg"));

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var failure = await FetchTestKit.FailsAsync(fetcher, server.Url("/short.jpg"));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.That(failure.Error, Is.EqualTo(ImageFetchError.UpstreamError), failure.Message);
        Assert.That(failure.Message, Does.Contain("ended early"));
        Assert.That(allocated, Is.LessThan(2 * 1024 * 1024), $"{allocated:N0} bytes allocated for a {FetchTestKit.Image.Length:N0}-byte body that declared {declared:N0}");
    }

    [Test]
    public async Task A_long_url_is_never_echoed_whole()
    {
        await using var server = new LoopbackHttpServer((_, stream, ct) => LoopbackHttpServer.RespondAsync(stream, 404, [], ct));
        using var fetcher = new SafeImageFetcher(FetchTestKit.LoopbackOptions(server.Port));

        var failure = await FetchTestKit.FailsAsync(fetcher, server.Url("/" + new string('a', 5000) + ".jpg"));

        Assert.That(failure.Message, Does.Contain("answered 404"));
        Assert.That(failure.Message.Length, Is.LessThan(300), failure.Message);
    }
}
