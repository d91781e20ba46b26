using System.Diagnostics;
using ImageSearch.Api.Contracts;
using ImageSearch.Api.Hosting;
using ImageSearch.Api.Requests;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageSearch.Api.Endpoints;

/// <summary>
/// <c>POST /search/vector</c>: the products nearest a vector the caller computed itself (the web page's on-device mode),
/// so the photo never leaves the caller's device. No image is decoded or embedded here, so the request does not wait
/// for, or take, an embedding slot; the per-client rate limit applies as to every request.
/// </summary>
public static class VectorSearchEndpoints
{
    public const string Path = SearchEndpoints.Path + "/vector";

    /// <summary>What the endpoint takes, for the 415 answered to any other body.</summary>
    public const string ExpectedBody = "POST /search/vector takes a JSON object (Content-Type: application/json) with a 'vector' and the search options.";

    /// <summary>Maps <c>/vector</c> in the <see cref="SearchEndpoints.Path"/> group.</summary>
    public static RouteGroupBuilder MapVectorSearchEndpoints(this RouteGroupBuilder search)
    {
        search.MapPost("/vector", Search)
            .WithName("SearchByVector")
            .WithSummary("Find the products nearest an embedding computed on the caller's device")
            .WithDescription(
                "A JSON object with 'vector' (the embedding of the query photo, made with the model and preprocessing GET /model " +
                "describes; exactly 'dimension' finite numbers, not all zero; normalised here) and the options of POST /search " +
                "under the same names: 'top_k', 'threshold', 'category' (a string or an array), 'min_price', 'max_price'. " +
                "The answer is the same as POST /search's for the photo the vector came from.")
            .Accepts<VectorSearchRequest>("application/json")
            .Produces<SearchResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .DisableAntiforgery();
        return search;
    }

    /// <summary>Find the products nearest an embedding computed on the caller's device.</summary>
    internal static async Task<Ok<SearchResponse>> Search(HttpContext context, SearchState state, ILoggerFactory loggers)
    {
        var started = Stopwatch.GetTimestamp();
        var snapshot = state.Snapshot;
        var query = await VectorQuery.ReadAsync(context.Request, snapshot.Index.Dimension, context.RequestAborted);
        var matches = snapshot.Search(query.Vector, query.Request);
        var took = Stopwatch.GetElapsedTime(started);
        loggers.CreateLogger(typeof(VectorSearchEndpoints).FullName!).LogInformation(
            "Search by vector (top_k {TopK}, threshold {Threshold}, filtered {Filtered}): {Count} results in {ElapsedMs:0.0} ms",
            query.Request.TopK, query.Request.Threshold, query.Request.Filter is { IsEmpty: false }, matches.Count, took.TotalMilliseconds);
        return TypedResults.Ok(SearchResponse.From(matches, query.Request.Threshold, took));
    }
}
