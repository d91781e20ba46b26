using ImageSearch.Api.Hosting;
using ImageSearch.Core.Fetching;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Index;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ImageSearch.Api.Errors;

/// <summary>
/// Turns every exception into RFC 9457 problem details: the service's own refusals and the engine's image and
/// fetch errors with their statuses, anything else as a 500 that never shows the exception.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var (status, title, detail) = Describe(exception);
        if (status >= 500 && exception is not (ImageFetchException or ApiProblemException or Core.Postgres.VectorStoreUnavailableException))
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, LogText.Path(httpContext.Request));
        }
        else
        {
            logger.LogInformation("Refused {Method} {Path} with {Status}: {Title}", httpContext.Request.Method, LogText.Path(httpContext.Request), status, title);
        }

        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.Clear();
        httpContext.Response.StatusCode = status;
        if (exception is ApiProblemException { RetryAfter: { } retryAfter })
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        }
        else if (exception is Core.Postgres.VectorStoreUnavailableException)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(TimeSpan.FromSeconds(5));
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = null,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>Retry-After in whole seconds, rounded up, at least 1.</summary>
    internal static string RetryAfterSeconds(TimeSpan delay) =>
        Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static (int Status, string Title, string Detail) Describe(Exception exception) => exception switch
    {
        ApiProblemException e => (e.Status, e.Title, e.Message),
        ImageDecodeException { Error: ImageDecodeError.UnsupportedFormat } e => (StatusCodes.Status415UnsupportedMediaType, "Unsupported image format", e.Message),
        ImageDecodeException { Error: ImageDecodeError.TooLarge } e => (StatusCodes.Status422UnprocessableEntity, "Image too large", e.Message),
        ImageDecodeException e => (StatusCodes.Status422UnprocessableEntity, "Corrupt image", e.Message),
        ImageFetchException { Error: ImageFetchError.UrlNotAllowed } e => (StatusCodes.Status400BadRequest, "The image URL is not allowed", e.Message),
        ImageFetchException { Error: ImageFetchError.TooLarge } e => (StatusCodes.Status413PayloadTooLarge, "The image at the URL is too large", e.Message),
        ImageFetchException { Error: ImageFetchError.Timeout } e => (StatusCodes.Status504GatewayTimeout, "The image URL did not answer in time", e.Message),
        ImageFetchException e => (StatusCodes.Status502BadGateway, "The image could not be fetched", e.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Request too large",
            "The request body is larger than the service accepts."),
        BadHttpRequestException e => (e.StatusCode, "Bad request", "The request could not be read."),
        Core.Postgres.VectorStoreUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "The vector database is unavailable", e.Message),
        IndexFormatException => (StatusCodes.Status503ServiceUnavailable, "The search index is damaged",
            "A stored vector failed its checksum during the search; the service's log names the row. Rebuild or redeploy the index."),
        _ => (StatusCodes.Status500InternalServerError, "Internal server error", "The service failed to handle the request; the error was logged."),
    };
}
