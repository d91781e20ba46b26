namespace ImageSearch.Api;

/// <summary>Hot reload of the catalog and the index (<c>ImageSearch:Reload</c>).</summary>
public sealed class ReloadOptions
{
    /// <summary>Whether replacing the index or the catalog on disk is picked up without a restart.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quiet time after the last file-system event before a reload starts (a build renames two files).</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the files' length and modification time are compared, for changes the watcher misses.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a replaced index stays open for the searches that started on it before its mapping is released
    /// (a search that still runs then finishes safely; memory is freed when it does).
    /// </summary>
    public TimeSpan ReleaseDelay { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Bounds on concurrent embeddings (decode + inference) (<c>ImageSearch:Concurrency</c>).</summary>
public sealed class ConcurrencyOptions
{
    /// <summary>Embeddings that run at once; 0 means one per processor.</summary>
    public int MaxConcurrentEmbeddings { get; set; }

    /// <summary>
    /// Searches that may wait for a slot; -1 means eight per slot (16 on two cores: a wait of about 0.1 s here, enough
    /// for bursts of a few dozen clients). Beyond it, 503 with Retry-After.
    /// </summary>
    public int QueueLength { get; set; } = -1;

    /// <summary>The Retry-After a 503 suggests.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Image URLs fetched at once (each holds at most <c>Fetching:MaxBytes</c> in memory until its search is done);
    /// a search by URL beyond it is refused at once with 503 and Retry-After. With the defaults (16 × 10 MiB) the
    /// fetched bytes never take more than about 160 MiB, however slowly the hosts answer.
    /// </summary>
    public int MaxConcurrentFetches { get; set; } = 16;

    public int EffectiveLimit => MaxConcurrentEmbeddings > 0 ? MaxConcurrentEmbeddings : Environment.ProcessorCount;

    public int EffectiveQueueLength => QueueLength >= 0 ? QueueLength : 8 * EffectiveLimit;
}

/// <summary>Per-client rate limiting, partitioned by remote IP address (<c>ImageSearch:RateLimit</c>).</summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Requests one client address may make per <see cref="Window"/>; more are answered 429.</summary>
    public int PermitLimit { get; set; } = 100;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Cross-origin requests (<c>ImageSearch:Cors</c>).</summary>
public sealed class CorsSettings
{
    /// <summary>Origins (<c>https://shop.example.com</c>) whose pages may call the API; none by default (same-origin pages always can).</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed
/// (<c>ImageSearch:ForwardedHeaders</c>). From any other peer the headers are ignored: the client is the connection's
/// own address, which the rate limit and the logs then use. None by default (the API faces clients directly).
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Addresses of the proxies in front of the API (<c>10.0.0.5</c>, <c>::1</c>).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies connect from, in CIDR notation (<c>172.16.0.0/12</c>, <c>fd00::/8</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies, nearest first, may each add one address to <c>X-Forwarded-For</c>.</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Whether any proxy is configured (otherwise forwarded headers are never read).</summary>
    public bool Enabled => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

/// <summary>The OpenAPI description and Swagger UI at <c>/swagger</c> (<c>ImageSearch:Swagger</c>).</summary>
public sealed class SwaggerSettings
{
    /// <summary>Whether <c>/swagger</c> (the UI and <c>/swagger/v1/swagger.json</c>) is served; on by default.</summary>
    public bool Enabled { get; set; } = true;
}
