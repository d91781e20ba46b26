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
/// The per-client rate limits (<c>ImageSearch:RateLimit</c>): two named policies that the API's route groups require.
/// <see cref="Policy"/> is one fixed window per client shared by every group that requires it, so a client's requests
/// count together wherever they go; <see cref="ImagesPolicy"/> gives product images their own, larger window, since
/// one page of results fetches up to 100 thumbnails at once. The groups that require neither (health probes, the
/// metrics scrape) are never limited. A request over a limit gets 429 problem details with Retry-After.
/// </summary>
public static class ClientRateLimit
{
    /// <summary>The policy's name, for <c>RequireRateLimiting</c>.</summary>
    public const string Policy = "per-client";

    /// <summary>The policy of product images, for <c>RequireRateLimiting</c>.</summary>
    public const string ImagesPolicy = "per-client-images";

    public static IServiceCollection AddClientRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, context => ClientPartition(context, images: false));
            limiter.AddPolicy(ImagesPolicy, context => ClientPartition(context, images: true));
            limiter.OnRejected = WriteTooManyRequestsAsync;
        });

    /// <summary>Limits the endpoints of <paramref name="builder"/> (a route group) per client, by <paramref name="policy"/>.</summary>
    public static TBuilder RequireClientRateLimit<TBuilder>(this TBuilder builder, string policy = Policy)
        where TBuilder : IEndpointConventionBuilder => builder.RequireRateLimiting(policy);

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

    /// <summary>One fixed window per client (<see cref="ClientKey"/>) and policy; a disabled limit limits no one.</summary>
    private static RateLimitPartition<string> ClientPartition(HttpContext context, bool images)
    {
        var settings = context.RequestServices.GetRequiredService<IOptions<ImageSearchOptions>>().Value.RateLimit;
        if (!settings.Enabled)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        var client = ClientKey(context.Connection.RemoteIpAddress);
        return RateLimitPartition.GetFixedWindowLimiter(images ? "images " + client : client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = images ? settings.ImagePermitLimit : settings.PermitLimit,
            Window = settings.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask WriteTooManyRequestsAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var settings = context.RequestServices.GetRequiredService<IOptions<ImageSearchOptions>>().Value.RateLimit;
        var images = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == ImagesPolicy;
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
                Detail = images
                    ? string.Create(CultureInfo.InvariantCulture, $"This client may fetch {settings.ImagePermitLimit} product images per {settings.Window.TotalSeconds:0.###} s; try again after {retryAfter} s.")
                    : string.Create(CultureInfo.InvariantCulture, $"This client may make {settings.PermitLimit} requests per {settings.Window.TotalSeconds:0.###} s; try again after {retryAfter} s."),
            },
        });
    }
}
