using ImageSearch.Api.Diagnostics;
using ImageSearch.Core.Fetching;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Inference;
using ImageSearch.Core.Query.Search;

namespace ImageSearch.Api;

/// <summary>
/// The service's settings, bound from the configuration section <see cref="SectionName"/> (environment:
/// <c>ImageSearch__CatalogPath</c>, <c>ImageSearch__Fetching__Timeout</c>...) and validated at start-up.
/// Relative paths resolve against the current directory.
/// </summary>
public sealed class ImageSearchOptions
{
    public const string SectionName = "ImageSearch";

    /// <summary>The product catalog (<c>id,name,category,price,image_url</c>).</summary>
    public string CatalogPath { get; set; } = "data/products.csv";

    /// <summary>The index built from the catalog by <c>build-index build</c> (with its <c>.meta.json</c> beside it).</summary>
    public string IndexPath { get; set; } = "data/index.csv";

    /// <summary>The prepared feature model.</summary>
    public string ModelPath { get; set; } = FeatureModelFile.DefaultPath;

    /// <summary>Name of the preprocessing the model expects.</summary>
    public string Preprocessing { get; set; } = PreprocessingOptions.ImageNet.Name;

    /// <summary>Uploads longer than this are refused with 413.</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Images with more pixels than this are refused (422) before decoding.</summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>
    /// How the model runs. The service runs one search per core at once (<see cref="ConcurrencyOptions"/>), so each
    /// inference gets one ONNX Runtime thread by default: two threads a search while another search runs cost 10% more
    /// CPU a search and 9–14% of the throughput at 8 clients (bench/compare-settings.sh, docs/benchmarks.md). A lone
    /// search then takes the single-thread time, about 2 ms more on two cores; 0 gives ONNX Runtime's one thread per core.
    /// </summary>
    public InferenceOptions Inference { get; set; } = new() { IntraOpNumThreads = 1 };

    /// <summary>How the index is loaded and searched: index.bin or index.csv, compact search from how many rows, candidates per pass.</summary>
    public IndexLoadOptions Index { get; set; } = new();

    public ImageFetcherOptions Fetching { get; set; } = new();

    /// <summary>Where the vectors live: Embedded (the index files, mapped by every replica; the default) or Postgres (a shared PostgreSQL + pgvector).</summary>
    public SearchStoreKind Store { get; set; } = SearchStoreKind.Embedded;

    /// <summary>The PostgreSQL store's connection and search settings (used with <see cref="Store"/> = Postgres).</summary>
    public Core.Postgres.PostgresStoreOptions Postgres { get; set; } = new();

    public ReloadOptions Reload { get; set; } = new();

    public ConcurrencyOptions Concurrency { get; set; } = new();

    public RateLimitOptions RateLimit { get; set; } = new();

    public CorsSettings Cors { get; set; } = new();

    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    public SwaggerSettings Swagger { get; set; } = new();

    public TelemetrySettings Telemetry { get; set; } = new();

    /// <summary>
    /// Folders besides the catalog's own from which <c>GET /images/{id}</c> may serve a product's file (for catalogs
    /// whose <c>image_url</c> names absolute paths elsewhere). Only files of indexed products are ever served.
    /// </summary>
    public string[] ImageRoots { get; set; } = [];

    /// <summary>Room for the multipart framing and the other form fields around an upload of <see cref="MaxUploadBytes"/>.</summary>
    public long MaxRequestBodyBytes => MaxUploadBytes + (64 * 1024);

    public EmbedderOptions ToEmbedderOptions() => new()
    {
        ModelPath = ModelPath,
        Preprocessing = Preprocessing,
        MaxPixels = MaxPixels,
        Inference = Inference,
    };
}
