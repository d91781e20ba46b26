namespace ImageSearch.Core.Catalog;

/// <summary>Reads local catalog images; hands http(s) ones to a remote loader (the safe fetcher, with its disk cache).</summary>
public sealed class CatalogImageLoader : ICatalogImageLoader
{
    private readonly Func<Uri, CancellationToken, Task<byte[]>>? _remote;
    private readonly long _maxBytes;

    public CatalogImageLoader(Func<Uri, CancellationToken, Task<byte[]>>? remote = null, long maxBytes = 50 * 1024 * 1024)
    {
        _remote = remote;
        _maxBytes = maxBytes;
    }

    public async Task<byte[]> LoadAsync(ImageLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.Url is { } url)
        {
            return _remote is null
                ? throw new ImageLoadException($"{location}: remote images are not enabled")
                : await _remote(url, cancellationToken).ConfigureAwait(false);
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
