using System.Diagnostics;
using System.Diagnostics.Metrics;
using ImageSearch.Api.Hosting;
using ImageSearch.Core.Diagnostics;
using ImageSearch.Core.Fetching;

namespace ImageSearch.Api.Diagnostics;

/// <summary>
/// The service's own traces and metrics, both named <see cref="Name"/>: one trace per search with a span for each
/// stage (fetch, embedding — decode and inference — and the index search), and instruments for what an operator
/// watches (docs/operations.md, "Metrics and traces").
/// </summary>
public sealed class SearchTelemetry
{
    /// <summary>The name of the service's <see cref="ActivitySource"/> and <see cref="Meter"/>.</summary>
    public const string Name = EngineActivities.Name;

    /// <summary>The spans of a search (the engine's decode and inference spans come from the same source).</summary>
    public static ActivitySource Activities => EngineActivities.Source;

    private readonly Histogram<double> _embeddingDuration;
    private readonly Histogram<double> _searchDuration;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _fetches;
    private readonly Counter<long> _reloads;

    public SearchTelemetry(IMeterFactory meters, SearchState state, EmbeddingLimiter embeddings, FetchLimiter fetches)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(fetches);
        var meter = meters.Create(Name);
        _embeddingDuration = meter.CreateHistogram<double>(
            "imagesearch.embedding.duration", "s", "Time to decode and embed one query photo (after its wait for a slot).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _searchDuration = meter.CreateHistogram<double>(
            "imagesearch.search.duration", "s", "Time to rank the catalog for one query vector.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] });
        _refusals = meter.CreateCounter<long>(
            "imagesearch.refusals", "{request}", "Searches refused with 503 because the embedding queue or the fetch slots were full (attribute 'limiter').");
        _fetches = meter.CreateCounter<long>(
            "imagesearch.fetches", "{fetch}", "Image URL fetches by outcome (attribute 'outcome': ok, url_not_allowed, too_large, timeout, upstream_error).");
        _reloads = meter.CreateCounter<long>(
            "imagesearch.index.reloads", "{reload}", "Hot reloads of the index and catalog (attribute 'result': success or failure).");
        meter.CreateObservableGauge("imagesearch.embedding.active", () => embeddings.Active, "{embedding}", "Embeddings running now.");
        meter.CreateObservableGauge("imagesearch.embedding.queued", () => embeddings.Queued, "{embedding}", "Searches waiting for an embedding slot now.");
        meter.CreateObservableGauge("imagesearch.fetch.active", () => fetches.Active, "{fetch}", "Image URL fetches in flight now.");
        meter.CreateObservableGauge(
            "imagesearch.index.products", () => state.IndexLoaded ? state.Snapshot.IndexedCount : 0L, "{product}", "Products in the loaded index.");
        meter.CreateObservableGauge(
            "imagesearch.catalog.products", () => state.IndexLoaded ? state.Snapshot.Catalog.Count : 0L, "{product}", "Products in the loaded catalog.");
        embeddings.Refused += () => _refusals.Add(1, new KeyValuePair<string, object?>("limiter", "embedding"));
        fetches.Refused += () => _refusals.Add(1, new KeyValuePair<string, object?>("limiter", "fetch"));
    }

    public void RecordEmbedding(TimeSpan elapsed, string source) =>
        _embeddingDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("source", source));

    public void RecordSearch(TimeSpan elapsed, bool filtered) =>
        _searchDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("filtered", filtered));

    /// <summary>A fetch's outcome: null for success, else the kind of failure.</summary>
    public void RecordFetch(ImageFetchError? error) =>
        _fetches.Add(1, new KeyValuePair<string, object?>("outcome", error switch
        {
            null => "ok",
            ImageFetchError.UrlNotAllowed => "url_not_allowed",
            ImageFetchError.TooLarge => "too_large",
            ImageFetchError.Timeout => "timeout",
            _ => "upstream_error",
        }));

    public void RecordReload(bool succeeded) =>
        _reloads.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "success" : "failure"));
}
