using System.Diagnostics;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// One structured log line per request: method, path (never the query string, which may carry an image URL or a
/// token), status and duration, with the request's trace id.
/// </summary>
public sealed class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var status = context.Response.StatusCode;
            var level = status >= 500 ? LogLevel.Warning : LogLevel.Information;
            logger.Log(level, "HTTP {Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms (trace {TraceId})",
                context.Request.Method, context.Request.Path.Value, status, elapsed, context.TraceIdentifier);
        }
    }
}
