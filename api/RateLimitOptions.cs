namespace ImageSearch.Api;

/// <summary>
/// The per-client rate limit of the API's route groups (<see cref="Hosting.ClientRateLimit"/>), partitioned by client
/// address, IPv6 by /64 network (<c>ImageSearch:RateLimit</c>).
/// </summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Requests one client address may make per <see cref="Window"/>; more are answered 429.</summary>
    public int PermitLimit { get; set; } = 100;

    /// <summary>
    /// Product images (<c>/images/{id}</c>) one client address may fetch per <see cref="Window"/>, counted apart from
    /// its other requests: a page of results shows up to 100 thumbnails at once, and they must neither be refused nor
    /// use up the budget of the client's searches.
    /// </summary>
    public int ImagePermitLimit { get; set; } = 1000;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
}
