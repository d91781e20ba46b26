using ImageSearch.Core.Fetching;

namespace ImageSearch.Tests.Fetching;

internal static class FetchTestKit
{
    /// <summary>Stand-in image bytes (the fetcher never looks inside).</summary>
    public static readonly byte[] Image = [.. Enumerable.Range(0, 3000).Select(i => (byte)(i * 7))];

    /// <summary>Fast limits, the test-only loopback allowance, and the test servers' ports allowed.</summary>
    public static ImageFetcherOptions LoopbackOptions(params int[] ports) => new()
    {
        AllowLoopback = true,
        AllowedPorts = [80, 443, .. ports],
        Timeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(1),
        RetryDelay = TimeSpan.FromMilliseconds(1),
    };

    /// <summary>Production defaults (no loopback), fast timeouts.</summary>
    public static ImageFetcherOptions StrictOptions() => new()
    {
        Timeout = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromMilliseconds(500),
        RetryDelay = TimeSpan.FromMilliseconds(1),
    };

    public static async Task<ImageFetchException> FailsAsync(IImageFetcher fetcher, Uri url, CancellationToken ct = default)
    {
        try
        {
            var image = await fetcher.FetchAsync(url, ct);
            throw new AssertionException($"{url} was fetched ({image.Content.Length} bytes from {image.FinalUrl}).");
        }
        catch (ImageFetchException e)
        {
            return e;
        }
    }

    public static Task<ImageFetchException> FailsAsync(IImageFetcher fetcher, string url) => FailsAsync(fetcher, new Uri(url));
}
