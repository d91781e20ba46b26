using ImageSearch.Core.Fetching;

namespace ImageSearch.Core.Catalog;

/// <summary>Reads local catalog images; fetches http(s) ones through an <see cref="IImageFetcher"/> (the safe fetcher, with its disk cache).</summary>
public sealed class CatalogImageLoader : ICatalogImageLoader
{
    private readonly IImageFetcher? _fetcher;
    private readonly long _maxBytes;

    public CatalogImageLoader(IImageFetcher? fetcher = null, long maxBytes = 50 * 1024 * 1024)
    {
        _fetcher = fetcher;
        _maxBytes = maxBytes;
    }

    public async Task<byte[]> LoadAsync(ImageLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Url is { } url)
        {
            if (_fetcher is null)
            {
                throw new ImageLoadException($"{location}: remote images are not enabled");
            }

            try
            {
                var fetched = await _fetcher.FetchAsync(url, cancellationToken).ConfigureAwait(false);
                return fetched.Content.ToArray();
            }
            catch (ImageFetchException e)
            {
                throw new ImageLoadException(e.Message, e);
            }
        }

        var path = location.FilePath!;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ImageLoadException($"image file not found: {path}");
            }

            if (info.Length > _maxBytes)
            {
                throw new ImageLoadException($"image file is {info.Length / (1024 * 1024)} MB, over the {_maxBytes / (1024 * 1024)} MB limit: {path}");
            }

            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new ImageLoadException($"cannot read {path}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ImageLoadException($"cannot read {path}: {e.Message}", e);
        }
    }
}
