namespace ImageSearch.Core.Fetching;

public interface IImageFetcher
{
    /// <summary>Downloads the image at <paramref name="url"/>.</summary>
    /// <exception cref="ImageFetchException">The URL is not allowed, or the download failed.</exception>
    Task<FetchedImage> FetchAsync(Uri url, CancellationToken ct);
}
