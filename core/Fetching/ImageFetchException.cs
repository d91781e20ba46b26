namespace ImageSearch.Core.Fetching;

/// <summary>Why an image could not be fetched. The API maps each kind to its own status (400, 413, 504, 502).</summary>
public enum ImageFetchError
{
    /// <summary>The URL may not be fetched: scheme, port, user info, or an address that is not public.</summary>
    UrlNotAllowed,

    /// <summary>The response is larger than <see cref="ImageFetcherOptions.MaxBytes"/>.</summary>
    TooLarge,

    /// <summary>The whole fetch, redirects and retries included, took longer than <see cref="ImageFetcherOptions.Timeout"/>.</summary>
    Timeout,

    /// <summary>DNS failure, connection failure, a non-success status, too many redirects, or the host's circuit is open.</summary>
    UpstreamError,
}

/// <summary>A fetch that failed. Messages name the URL as scheme://host/path only, never its query.</summary>
public sealed class ImageFetchException : Exception
{
    public ImageFetchException(ImageFetchError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    public ImageFetchError Error { get; }
}
