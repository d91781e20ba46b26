using ImageSearch.Api.Contracts;
using ImageSearch.Api.Hosting;
using ImageSearch.Core.Query.Search;
using ImageSearch.Core.Query.Index;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImageSearch.Api.Endpoints;

/// <summary><c>GET /stats</c>: the catalog's size and the model and index in use.</summary>
public static class StatsEndpoints
{
    public static RouteGroupBuilder MapStatsEndpoints(this RouteGroupBuilder stats)
    {
        stats.MapGet(string.Empty, Stats)
            .WithName("Stats")
            .WithSummary("The catalog's size and the model and index in use")
            .WithDescription("execution_provider is what actually runs the model (cpu, or cuda when the GPU package and a GPU are there), jpeg_decoder which library decodes JPEG; index_built_at is when the loaded index was built, loaded_at when this process loaded it (at start-up or by a hot reload); last_reload_failure says why a newer index or catalog on disk was refused while this one keeps serving.")
            .Produces<StatsResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return stats;
    }

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
                IndexStorage.Postgres => "postgres",
                _ => "csv",
            },
            state.Embedder.ExecutionProvider.ToString().ToLowerInvariant(),
            state.Embedder.JpegDecoder));
    }
}
