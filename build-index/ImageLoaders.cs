using ImageSearch.Core.Catalog;
using ImageSearch.Core.Fetching;

namespace ImageSearch.BuildIndex;

/// <summary>
/// How the tool reads catalog images: files directly, http(s) URLs through the same safe fetcher the API uses, with
/// downloads cached on disk by URL (in <c>.image-cache</c> beside the index) so a rebuild does not download again.
/// </summary>
internal sealed class ImageLoaders : IDisposable
{
    private readonly SafeImageFetcher _fetcher;

    public ImageLoaders(string indexPath)
    {
        _fetcher = new SafeImageFetcher(new ImageFetcherOptions());
        CacheDirectory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(indexPath))!, ".image-cache");
        Loader = new CatalogImageLoader(new CachingImageFetcher(_fetcher, new DiskImageCache(CacheDirectory)));
    }

    public string CacheDirectory { get; }

    public ICatalogImageLoader Loader { get; }

    public void Dispose() => _fetcher.Dispose();
}
