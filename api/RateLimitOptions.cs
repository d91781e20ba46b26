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

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
}
