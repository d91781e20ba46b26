using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using ImageSearch.Api.Diagnostics;
using ImageSearch.Api.Errors;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// What the service needs to run unattended: hot reload of the index, the bound on concurrent embeddings, per-client
/// rate limiting and CORS. Kept out of Program.cs: <c>services.AddImageSearchOperations()</c> and
/// <c>app.UseImageSearchOperations()</c>.
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

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ClientPartition);
            limiter.OnRejected = WriteTooManyRequestsAsync;
        });

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

    /// <summary>CORS (for the configured origins only), then the per-client rate limit.</summary>
    public static IApplicationBuilder UseImageSearchOperations(this IApplicationBuilder app)
    {
        app.UseCors();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// The rate limit's partition of a client address: the IPv4 address itself, or the /64 network of an IPv6 one
    /// (one subscriber's allocation, which holds more addresses than anyone could use up).
    /// </summary>
    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>One fixed window per client (<see cref="ClientKey"/>); health probes, scrapes and a disabled limit are never limited.</summary>
    private static RateLimitPartition<string> ClientPartition(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ImageSearchOptions>>().Value;
        var settings = options.RateLimit;
        if (!settings.Enabled || context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            || (options.Telemetry.PrometheusEnabled && context.Request.Path.StartsWithSegments(options.Telemetry.PrometheusPath, StringComparison.OrdinalIgnoreCase)))
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        var client = ClientKey(context.Connection.RemoteIpAddress);
        return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.PermitLimit,
            Window = settings.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask WriteTooManyRequestsAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var window = context.RequestServices.GetRequiredService<IOptions<ImageSearchOptions>>().Value.RateLimit.Window;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = ApiExceptionHandler.RetryAfterSeconds(retryAfter);
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OperationsExtensions).FullName!)
            .LogInformation("Rate limited {Method} {Path} from {Client}", context.Request.Method, LogText.Path(context.Request), context.Connection.RemoteIpAddress);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = string.Create(CultureInfo.InvariantCulture,
                    $"This client may make {context.RequestServices.GetRequiredService<IOptions<ImageSearchOptions>>().Value.RateLimit.PermitLimit} requests per {window.TotalSeconds:0.###} s; try again after {ApiExceptionHandler.RetryAfterSeconds(retryAfter)} s."),
            },
        });
    }
}
