using System.Net;
using ImageSearch.Api.Diagnostics;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// What the service needs to run unattended: hot reload of the index, the bounds on concurrent embeddings and fetches,
/// the per-client rate limit (<see cref="ClientRateLimit"/>), the trusted proxies and CORS:
/// <c>services.AddImageSearchOperations()</c> and <c>app.UseImageSearchOperations()</c>.
/// </summary>
public static class OperationsExtensions
{
    public static IServiceCollection AddImageSearchOperations(this IServiceCollection services)
    {
        services.AddSingleton<EmbeddingLimiter>();
        services.AddSingleton<FetchLimiter>();
        services.AddSingleton<SearchTelemetry>();

        // After SearchStateLoader, which hosted services start in registration order.
        services.AddSingleton<IndexReloader>();
        services.AddHostedService(provider => provider.GetRequiredService<IndexReloader>());

        services.AddClientRateLimit();

        // Forwarded headers only from the configured proxies. The lists are cleared first: the framework's
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED switch clears them to believe every peer, which this setting replaces.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ImageSearchOptions>>((forwarded, options) =>
        {
            var settings = options.Value.ForwardedHeaders;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            forwarded.ForwardedHeaders = settings.Enabled ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            forwarded.ForwardLimit = settings.ForwardLimit;
            foreach (var proxy in settings.KnownProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
            }

            foreach (var network in settings.KnownNetworks)
            {
                if (System.Net.IPNetwork.TryParse(network, out var parsed))
                {
                    forwarded.KnownIPNetworks.Add(parsed);
                }
            }
        });

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<ImageSearchOptions>>((cors, options) =>
            cors.AddDefaultPolicy(policy => policy
                .WithOrigins(options.Value.Cors.AllowedOrigins)
                .WithMethods(HttpMethods.Get, HttpMethods.Post)
                .AllowAnyHeader()
                .WithExposedHeaders(RequestLoggingMiddleware.RequestIdHeader, "Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    /// <summary>
    /// The client's address from the configured proxies' forwarded headers (first, so that everything after sees the
    /// client), unless the framework's ASPNETCORE_FORWARDEDHEADERS_ENABLED already added that step (with these options).
    /// </summary>
    public static WebApplication UseTrustedForwardedHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!string.Equals(app.Configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>CORS (for the configured origins only), then the per-client rate limit of the route groups that require it.</summary>
    public static IApplicationBuilder UseImageSearchOperations(this IApplicationBuilder app)
    {
        app.UseCors();
        app.UseRateLimiter();
        return app;
    }
}
