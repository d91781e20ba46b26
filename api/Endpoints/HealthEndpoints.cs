using ImageSearch.Core.Query.Search;
using ImageSearch.Api.Contracts;
using ImageSearch.Api.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageSearch.Api.Endpoints;

/// <summary><c>GET /health/live</c>, <c>/health/ready</c> and <c>/stats</c>.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", Live)
            .WithName("Live")
            .WithTags("Health")
            .WithSummary("Liveness: the process answers")
            .Produces<HealthResponse>(StatusCodes.Status200OK);
        app.MapGet("/health/ready", Ready)
            .WithName("Ready")
            .WithTags("Health")
            .WithSummary("Readiness: the model and the index are loaded")
            .Produces<HealthResponse>(StatusCodes.Status200OK)
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/stats", Stats)
            .WithName("Stats")
            .WithTags("Health")
            .WithSummary("The catalog's size and the model and index in use")
            .WithDescription("execution_provider is what actually runs the model (cpu, or cuda when the GPU package and a GPU are there), jpeg_decoder which library decodes JPEG; index_built_at is when the loaded index was built, loaded_at when this process loaded it (at start-up or by a hot reload); last_reload_failure says why a newer index or catalog on disk was refused while this one keeps serving.")
            .Produces<StatsResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("live"));

    /// <summary>Readiness: the model and the index are loaded.</summary>
    /// <param name="state">The loaded model and index.</param>
    internal static JsonHttpResult<HealthResponse> Ready(SearchState state) => TypedResults.Json(
        new HealthResponse(state.IsReady ? "ready" : "not ready", state.ModelLoaded, state.IndexLoaded),
        statusCode: state.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);

    /// <summary>The catalog's size and the model and index in use.</summary>
    /// <param name="state">The loaded model and index.</param>
    internal static Results<Ok<StatsResponse>, ProblemHttpResult> Stats(SearchState state)
    {
        if (!state.IsReady)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: "The model and the index are still loading.");
        }

        var (snapshot, loadedAt) = state.Current;
        var identity = state.Embedder.Identity;
        return TypedResults.Ok(new StatsResponse(
            snapshot.Catalog.Count,
            snapshot.IndexedCount,
            snapshot.Categories,
            identity.ModelSha256,
            identity.Preprocessing,
            identity.Dimension,
            snapshot.Index.BuiltAt,
            snapshot.CatalogChangedSinceBuild,
            loadedAt,
            state.LastReloadFailure,
            snapshot.Storage switch
            {
                IndexStorage.BinaryCompact => "binary-compact",
                IndexStorage.BinaryExact => "binary-exact",
                _ => "csv",
            },
            state.Embedder.ExecutionProvider.ToString().ToLowerInvariant(),
            state.Embedder.JpegDecoder));
    }
}
