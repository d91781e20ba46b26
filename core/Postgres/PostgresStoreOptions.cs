namespace ImageSearch.Core.Postgres;

/// <summary>
/// How the service reaches and searches the PostgreSQL + pgvector store (<c>ImageSearch:Postgres</c>), and how
/// <c>build-index publish</c> writes to it. The connection string carries no password in files or on command lines:
/// give it in the environment (<c>ImageSearch__Postgres__ConnectionString</c>), or the password alone in
/// <c>PGPASSWORD</c> / a <c>~/.pgpass</c> file, which Npgsql reads.
/// </summary>
public sealed class PostgresStoreOptions
{
    /// <summary>The environment variable <c>build-index publish</c> reads the connection string from (the API's setting, as the environment spells it).</summary>
    public const string ConnectionStringVariable = "ImageSearch__Postgres__ConnectionString";

    /// <summary>An Npgsql connection string (<c>Host=…;Port=…;Username=…;Database=…</c>); its pool serves every request.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The schema that holds the versions table, the current-version pointer and one products table per version.</summary>
    public string Schema { get; set; } = "imagesearch";

    /// <summary>
    /// pgvector's <c>hnsw.ef_search</c>: candidates the HNSW scan keeps, at least the largest top_k (100). 100 measured
    /// recall@10 0.9994 on the sample; catalogs of many near-duplicates need more (0.93 at 200, 0.98 at 800 on the
    /// 100,000-product benchmark, docs/benchmarks.md). pgvector's own default, 40, is lower.
    /// </summary>
    public int EfSearch { get; set; } = 100;

    /// <summary>pgvector's <c>hnsw.max_scan_tuples</c>: how far an iterative scan under a filter may go before the exact fallback.</summary>
    public int MaxScanTuples { get; set; } = 20_000;

    /// <summary>
    /// A filter that leaves at most this many products is searched exactly (a scan of just those rows, found by the
    /// category and price indexes) instead of by the HNSW index: exact and faster when the filter is that selective.
    /// </summary>
    public int ExactSearchBelow { get; set; } = 5_000;

    /// <summary>How often the service checks which version is current (a switch is picked up within this time).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Opening a connection gives up after this long (then retried, then a 503).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>One query gives up after this long.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of a transient failure (a dropped connection, a server restarting) before the request gets a 503.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first retry's delay; later ones back off exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Connections the pool keeps at most (Npgsql's <c>Maximum Pool Size</c>).</summary>
    public int MaxPoolSize { get; set; } = 50;

    /// <summary>What is wrong with these settings, one line each; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add($"ImageSearch:Postgres:ConnectionString is required with ImageSearch:Store=Postgres: set the environment variable {ConnectionStringVariable} (e.g. Host=db;Port=5432;Username=imagesearch;Database=imagesearch; the password in PGPASSWORD).");
        }

        if (!PostgresSchema.IsPlainIdentifier(Schema))
        {
            problems.Add($"ImageSearch:Postgres:Schema '{Schema}' must be a plain lower-case identifier (letters, digits, _).");
        }

        if (EfSearch is < 1 or > 1000)
        {
            problems.Add("ImageSearch:Postgres:EfSearch must be 1–1000 (pgvector's range).");
        }

        if (MaxScanTuples < 1 || ExactSearchBelow < 0 || Retries < 0 || MaxPoolSize < 1)
        {
            problems.Add("ImageSearch:Postgres: MaxScanTuples and MaxPoolSize must be positive, ExactSearchBelow and Retries not negative.");
        }

        if (PollInterval <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero || CommandTimeout <= TimeSpan.Zero || RetryDelay < TimeSpan.Zero)
        {
            problems.Add("ImageSearch:Postgres: PollInterval, ConnectTimeout and CommandTimeout must be positive.");
        }

        return problems;
    }
}
