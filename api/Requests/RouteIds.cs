using Microsoft.AspNetCore.Http.Features;

namespace ImageSearch.Api.Requests;

/// <summary>
/// The catalog id in a route such as <c>/images/{id}</c> or <c>/products/{id}/similar</c>, exactly as the client
/// escaped it. The server decodes the path except <c>%2F</c> (so that an escaped '/' cannot split segments), which
/// leaves an id with a '/' in it as <c>a%2Fb</c> in the route value; the id is therefore decoded from the raw request
/// target, where every escape (<c>%2F</c>, <c>%25</c>...) is still what the client sent.
/// </summary>
public static class RouteIds
{
    /// <summary>The id from the second segment of the raw target, fully decoded; the route value when there is none.</summary>
    public static string Decode(HttpContext context, string routeValue)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(routeValue);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw) && raw[0] == '/' && !context.Request.PathBase.HasValue)
        {
            var end = raw.AsSpan().IndexOfAny('?', '#');
            var segments = (end < 0 ? raw : raw[..end]).Split('/');
            if (segments.Length >= 3)
            {
                return Uri.UnescapeDataString(segments[2]);
            }
        }

        return routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }
}
