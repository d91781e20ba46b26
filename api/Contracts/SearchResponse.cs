using System.Text.Json.Serialization;
using ImageSearch.Core.Query.Search;

namespace ImageSearch.Api.Contracts;

/// <summary>Search results, best first, none below the threshold.</summary>
public sealed record SearchResponse(
    [property: JsonPropertyName("results")] IReadOnlyList<SearchResult> Results,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("took_ms")] double TookMs)
{
    public static SearchResponse From(IReadOnlyList<ProductMatch> matches, float threshold, TimeSpan took)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var results = matches.Select(SearchResult.From).ToList();
        return new SearchResponse(results, results.Count, Math.Round((double)threshold, 4), Math.Round(took.TotalMilliseconds, 1));
    }
}
