namespace ImageSearch.Core.Fetching;

/// <summary>Limits of <see cref="SafeImageFetcher"/>, bound from the configuration section <see cref="SectionName"/>.</summary>
public sealed class ImageFetcherOptions
{
    public const string SectionName = "Fetching";

    /// <summary>Responses longer than this are refused (before reading when Content-Length says so, else at this many bytes + 1).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The whole fetch: resolution, connections, redirects, retries and their delays, the body.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>One TCP connection attempt to one address.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Redirects followed per fetch; every hop is checked like the first URL.</summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>Ports that may be fetched from, besides the scheme's default port.</summary>
    public IList<int> AllowedPorts { get; set; } = [80, 443];

    /// <summary>Retries of transient failures (connection failure, 5xx, 408, 429), with exponential backoff and jitter.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>Base delay of the exponential backoff.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// A host's circuit opens when at least this many calls to it within <see cref="CircuitSamplingDuration"/> have
    /// all failed transiently (each retry is a call); at least 2.
    /// </summary>
    public int CircuitBreakAfter { get; set; } = 5;

    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls before letting one through to try the host again.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    public string UserAgent { get; set; } = "ImageSearch/1.0 (image fetcher)";

    /// <summary>
    /// TESTS ONLY: lets the fetcher connect to loopback addresses (127.0.0.0/8, ::1), so that tests can run a server
    /// on 127.0.0.1. It admits nothing else that is not public. Never enable it in production: it reopens request
    /// forgery against every service listening on the host.
    /// </summary>
    public bool AllowLoopback { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBytes, Array.MaxLength - 1L, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRedirects, nameof(MaxRedirects));
        ArgumentOutOfRangeException.ThrowIfNegative(Retries, nameof(Retries));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(CircuitBreakAfter, 2, nameof(CircuitBreakAfter));
        ArgumentOutOfRangeException.ThrowIfLessThan(CircuitSamplingDuration, TimeSpan.FromMilliseconds(500), nameof(CircuitSamplingDuration));
        ArgumentOutOfRangeException.ThrowIfLessThan(CircuitBreakDuration, TimeSpan.FromMilliseconds(500), nameof(CircuitBreakDuration));
        ArgumentNullException.ThrowIfNull(AllowedPorts, nameof(AllowedPorts));
        foreach (var port in AllowedPorts)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(port, 1, nameof(AllowedPorts));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535, nameof(AllowedPorts));
        }
    }
}
