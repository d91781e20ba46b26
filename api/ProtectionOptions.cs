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
