namespace ImageSearch.Api.Errors;

/// <summary>A request the service refuses, answered as RFC 9457 problem details with this status, title and detail.</summary>
public sealed class ApiProblemException : Exception
{
    public ApiProblemException(int status, string title, string detail)
        : base(detail)
    {
        Status = status;
        Title = title;
    }

    public int Status { get; }

    public string Title { get; }

    /// <summary>When set, the answer carries a Retry-After header (whole seconds, at least 1).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ApiProblemException BadParameter(string parameter, string detail) =>
        new(StatusCodes.Status400BadRequest, $"Invalid parameter '{parameter}'", detail);

    public static ApiProblemException NotFound(string detail) =>
        new(StatusCodes.Status404NotFound, "Not found", detail);
}
