namespace ImageSearch.Core.Fetching;

/// <summary>
/// Answers from a <see cref="DiskImageCache"/> when it holds the URL, else fetches and stores. For the index builder;
/// a cached answer has no content type and names the requested URL as its final URL.
/// </summary>
public sealed class CachingImageFetcher : IImageFetcher
{
    private readonly IImageFetcher _inner;
    private readonly DiskImageCache _cache;

    public CachingImageFetcher(IImageFetcher inner, DiskImageCache cache)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(cache);
        _inner = inner;
        _cache = cache;
    }

    public async Task<FetchedImage> FetchAsync(Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (_cache.TryGet(url, out var cached))
        {
            return new FetchedImage(cached, url, null);
        }

        var image = await _inner.FetchAsync(url, ct);
        _cache.Put(url, image.Content.Span);
        return image;
    }
}
