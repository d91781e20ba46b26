using System.Diagnostics;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Request ids and one structured log line per request. The id is the caller's <c>X-Request-Id</c> when it is a
/// short token (letters, digits, <c>-_.:</c>, at most <see cref="MaxRequestIdLength"/>), otherwise a new one; it becomes
/// the request's <see cref="HttpContext.TraceIdentifier"/> (so problem details carry it), is echoed in the response's
/// <c>X-Request-Id</c> and is in the log scope (<c>RequestId</c>) of everything logged for the request. The log line
/// holds method, path (never the query string, which may carry an image URL or a token, and never a body; control
/// characters percent-encoded, so that no request can forge a log line), status and duration.
/// </summary>
public sealed class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public const string RequestIdHeader = "X-Request-Id";

    public const int MaxRequestIdLength = 128;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        var requestId = AcceptableRequestId(context.Request.Headers[RequestIdHeader].ToString()) ?? NewRequestId();
        context.TraceIdentifier = requestId;

        // Set when the answer starts, so that error handlers that clear the response keep it.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[RequestIdHeader] = requestId;
            return Task.CompletedTask;
        });
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId });
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var status = context.Response.StatusCode;
            var level = status >= 500 ? LogLevel.Warning : LogLevel.Information;
            logger.Log(level, "HTTP {Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms (request {RequestId})",
                context.Request.Method, LogText.Path(context.Request), status, elapsed, requestId);
        }
    }

    /// <summary>The caller's id if it is safe to echo and log, else null.</summary>
    internal static string? AcceptableRequestId(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxRequestIdLength)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                return null;
            }
        }

        return value;
    }

    private static string NewRequestId() => Guid.NewGuid().ToString("N");
}
