using ImageSearch.Api.Diagnostics;
using ImageSearch.Api.Hosting;

namespace ImageSearch.Api.Endpoints;

/// <summary>
/// Every route of the API, one route group per resource. Each group that does work for a client requires a
/// per-client rate limit (<see cref="ClientRateLimit"/>; product images have their own, larger one); the probes and the metrics scrape do not, so that an
/// orchestrator or a monitor always learns whether the service is up, however busy its clients keep it.
/// </summary>
public static class ImageSearchApi
{
    public static WebApplication MapImageSearchApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGroup(SearchEndpoints.Path).WithTags("Search").RequireClientRateLimit()
            .MapSearchEndpoints()
            .MapVectorSearchEndpoints();
        app.MapGroup("/products").WithTags("Products").RequireClientRateLimit().MapProductEndpoints();
        app.MapGroup("/images").WithTags("Products").RequireClientRateLimit(ClientRateLimit.ImagesPolicy).MapImageEndpoints();
        app.MapGroup("/model").WithTags("Model").RequireClientRateLimit().MapModelEndpoints();
        app.MapGroup("/stats").WithTags("Health").RequireClientRateLimit().MapStatsEndpoints();

        app.MapGroup("/health").WithTags("Health").MapHealthEndpoints();
        app.MapImageSearchMetrics();
        return app;
    }
}
