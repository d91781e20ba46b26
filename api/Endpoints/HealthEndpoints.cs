using ImageSearch.Core.Query.Search;
using ImageSearch.Api.Contracts;
using ImageSearch.Api.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ImageSearch.Api.Endpoints;

/// <summary><c>GET /health/live</c> and <c>/health/ready</c>: the probes of an orchestrator or a load balancer.</summary>
public static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealthEndpoints(this RouteGroupBuilder health)
    {
        health.MapGet("/live", Live)
            .WithName("Live")
            .WithSummary("Liveness: the process answers")
            .Produces<HealthResponse>(StatusCodes.Status200OK);
        health.MapGet("/ready", Ready)
            .WithName("Ready")
            .WithSummary("Readiness: the model and the index are loaded")
            .Produces<HealthResponse>(StatusCodes.Status200OK)
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        return health;
    }

    internal static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("live"));

    /// <summary>Readiness: the model and the index are loaded.</summary>
    /// <param name="state">The loaded model and index.</param>
    /// <param name="stores">The vector database, when the service searches one (it must answer too).</param>
    /// <param name="ct">The request's cancellation.</param>
    internal static async Task<JsonHttpResult<HealthResponse>> Ready(SearchState state, [FromServices] IEnumerable<IStoreHealth> stores, CancellationToken ct)
    {
        bool? reachable = null;
        foreach (var store in stores)
        {
            reachable = (reachable ?? true) && await store.IsReachableAsync(ct);
        }

        var ready = state.IsReady && reachable is not false;
        return TypedResults.Json(
            new HealthResponse(ready ? "ready" : "not ready", state.ModelLoaded, state.IndexLoaded, reachable),
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
