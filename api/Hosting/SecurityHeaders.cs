using Microsoft.Net.Http.Headers;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Headers that tell browsers how to treat every answer, the page's and the API's, errors included: no content
/// sniffing, no referrer, no framing, and a Content-Security-Policy that lets the page run only its own scripts and
/// compile only its own WebAssembly ('wasm-unsafe-eval': the on-device mode's ONNX Runtime and JPEG decoder, both
/// fetched from this origin), call only this origin, and show catalog images from anywhere. Swagger UI, which
/// styles itself inline, gets a policy of its own.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string PagePolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob: https: http:; " +
        "connect-src 'self'; font-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string SwaggerPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers[HeaderNames.ContentSecurityPolicy] =
                context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase) ? SwaggerPolicy : PagePolicy;
            headers.Remove(HeaderNames.Server);
            return Task.CompletedTask;
        });
        return next(context);
    }
}
