using System.Globalization;
using System.Threading.RateLimiting;
using ImageSearch.Api.Errors;
using Microsoft.AspNetCore.Cors.Infrastructure;
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

        // After SearchStateLoader, which hosted services start in registration order.
        services.AddSingleton<IndexReloader>();
        services.AddHostedService(provider => provider.GetRequiredService<IndexReloader>());

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ClientPartition);
            limiter.OnRejected = WriteTooManyRequestsAsync;
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

    /// <summary>CORS (for the configured origins only), then the per-client rate limit.</summary>
    public static IApplicationBuilder UseImageSearchOperations(this IApplicationBuilder app)
    {
        app.UseCors();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>One fixed window per client address; health probes and a disabled limit are never limited.</summary>
    private static RateLimitPartition<string> ClientPartition(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<IOptions<ImageSearchOptions>>().Value.RateLimit;
        if (!settings.Enabled || context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
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
            .LogInformation("Rate limited {Method} {Path} from {Client}", context.Request.Method, context.Request.Path.Value, context.Connection.RemoteIpAddress);
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
