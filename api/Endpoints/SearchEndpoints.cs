using System.Diagnostics;
using ImageSearch.Api.Contracts;
using ImageSearch.Api.Diagnostics;
using ImageSearch.Api.Errors;
using ImageSearch.Api.Hosting;
using ImageSearch.Api.Requests;
using ImageSearch.Core.Fetching;
using ImageSearch.Core.Query.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ImageSearch.Core.Query.Embedding;

namespace ImageSearch.Api.Endpoints;

/// <summary><c>POST /search</c>: the products that look most like a photo.</summary>
public static class SearchEndpoints
{
    /// <summary>The route group of the searches (this one and <see cref="VectorSearchEndpoints"/>).</summary>
    public const string Path = "/search";

    public static RouteGroupBuilder MapSearchEndpoints(this RouteGroupBuilder search)
    {
        search.MapPost(string.Empty, SearchAsync)
            .WithName("Search")
            .WithSummary("Find the products that look most like a photo")
            .WithDescription(
                "multipart/form-data with exactly one of 'file' (an upload) or 'image_url' (an http(s) URL the service fetches). " +
                "Results are sorted by score, best first; none is below 'threshold'. Filters (category, min_price, max_price) " +
                "apply inside the search, so they never cut results that a filtered catalog would have.")
            .Accepts<SearchForm>("multipart/form-data")
            .Produces<SearchResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .DisableAntiforgery();
        return search;
    }

    /// <summary>Find the products that look most like a photo.</summary>
    internal static async Task<Ok<SearchResponse>> SearchAsync(
        HttpContext context,
        SearchState state,
        IImageFetcher fetcher,
        IOptions<ImageSearchOptions> options,
        EmbeddingLimiter limiter,
        FetchLimiter fetchLimiter,
        SearchTelemetry telemetry,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(SearchEndpoints).FullName!);
        var started = Stopwatch.GetTimestamp();
        var settings = options.Value;
        var ct = context.RequestAborted;
        var form = await QueryForm.ReadAsync(context.Request, settings, ct);
        var request = new SearchRequest(
            Parameters.TopK(form["top_k"]),
            Parameters.Threshold(form["threshold"]),
            Parameters.Filter(form["category"], form["min_price"], form["max_price"]));
        var query = QueryForm.Query(form);
        Activity.Current?.SetTag("imagesearch.query.source", query.Source);

        // A URL search holds a fetch slot from before the fetch until its embedding is done, so the bytes of at most
        // MaxConcurrentFetches responses are in memory at once; an upload is read only once it holds an embedding slot.
        using var fetchLease = query.Url is not null ? await fetchLimiter.AcquireAsync(ct) : null;
        var fetched = query.Url is not null ? await FetchAsync(query.Url, fetcher, telemetry, ct) : default;
        QueryEmbedding vector;
        int bytes;
        using (await limiter.AcquireAsync(ct))
        {
            var image = query.Upload is not null ? await QueryForm.ReadUploadAsync(query.Upload, settings, ct) : fetched;
            bytes = image.Length;
            using var span = SearchTelemetry.Activities.StartActivity("imagesearch.embed");
            span?.SetTag("imagesearch.image.bytes", bytes);
            var embedding = Stopwatch.GetTimestamp();
            vector = QueryEmbedding.Features(state.Embedder.Embed(image.Span));
            telemetry.RecordEmbedding(Stopwatch.GetElapsedTime(embedding), query.Source);
        }

        var snapshot = state.Snapshot;
        IReadOnlyList<ProductMatch> matches;
        using (var span = SearchTelemetry.Activities.StartActivity("imagesearch.search"))
        {
            var searching = Stopwatch.GetTimestamp();
            matches = snapshot.Search(vector, request);
            telemetry.RecordSearch(Stopwatch.GetElapsedTime(searching), request.Filter is { IsEmpty: false });
            span?.SetTag("imagesearch.results", matches.Count);
        }

        var took = Stopwatch.GetElapsedTime(started);
        logger.LogInformation(
            "Search by {Source} ({Bytes} bytes, top_k {TopK}, threshold {Threshold}, filtered {Filtered}): {Count} results in {ElapsedMs:0.0} ms",
            query.Source, bytes, request.TopK, request.Threshold, request.Filter is { IsEmpty: false }, matches.Count, took.TotalMilliseconds);
        return TypedResults.Ok(SearchResponse.From(matches, request.Threshold, took));
    }

    private static async Task<ReadOnlyMemory<byte>> FetchAsync(Uri url, IImageFetcher fetcher, SearchTelemetry telemetry, CancellationToken ct)
    {
        using var span = SearchTelemetry.Activities.StartActivity("imagesearch.fetch");
        try
        {
            var fetched = await fetcher.FetchAsync(url, ct);
            telemetry.RecordFetch(null);
            span?.SetTag("imagesearch.image.bytes", fetched.Content.Length);
            return fetched.Content;
        }
        catch (ImageFetchException e)
        {
            telemetry.RecordFetch(e.Error);
            span?.SetStatus(ActivityStatusCode.Error, e.Error.ToString());
            throw;
        }
    }
}
