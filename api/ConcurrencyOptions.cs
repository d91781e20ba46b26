namespace ImageSearch.Api;

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
