namespace ImageSearch.Core.Query.Search;

/// <summary>What a search asks for besides the query vector.</summary>
/// <param name="TopK">At most this many results.</param>
/// <param name="Threshold">Results with a lower calibrated score (<see cref="ProductMatch.Score"/>, 0–1) are left out.</param>
/// <param name="Filter">Only products it matches are considered (before the top-k cut, so filtering never loses results).</param>
/// <param name="ExcludeId">A product left out of the results (the query product itself, for "similar products").</param>
public sealed record SearchRequest(int TopK, float Threshold, ProductFilter? Filter = null, string? ExcludeId = null);
