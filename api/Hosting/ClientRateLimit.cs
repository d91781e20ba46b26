using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using ImageSearch.Api.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// The per-client rate limit (<c>ImageSearch:RateLimit</c>): one named policy, <see cref="Policy"/>, that the API's
/// route groups require. Every group shares one fixed window per client, so a client's requests count together
/// wherever they go; the groups that do not require it (health probes, the metrics scrape) are never limited.
/// A request over the limit gets 429 problem details with Retry-After.
/// </summary>
public static class ClientRateLimit
{
    /// <summary>The policy's name, for <c>RequireRateLimiting</c>.</summary>
    public const string Policy = "per-client";

    public static IServiceCollection AddClientRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, ClientPartition);
            limiter.OnRejected = WriteTooManyRequestsAsync;
        });

    /// <summary>Limits the endpoints of <paramref name="builder"/> (a route group) per client.</summary>
    public static TBuilder RequireClientRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireRateLimiting(Policy);

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

    /// <summary>One fixed window per client (<see cref="ClientKey"/>); a disabled limit limits no one.</summary>
    private static RateLimitPartition<string> ClientPartition(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<IOptions<ImageSearchOptions>>().Value.RateLimit;
        if (!settings.Enabled)
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
        var settings = context.RequestServices.GetRequiredService<IOptions<ImageSearchOptions>>().Value.RateLimit;
        var retryAfter = ApiExceptionHandler.RetryAfterSeconds(rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : settings.Window);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter;
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClientRateLimit).FullName!)
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
                    $"This client may make {settings.PermitLimit} requests per {settings.Window.TotalSeconds:0.###} s; try again after {retryAfter} s."),
            },
        });
    }
}
