using ImageSearch.Core.Query.Index;

namespace ImageSearch.Core.Query.Search;

/// <summary>
/// A vector index that applies a <see cref="ProductFilter"/> itself (a database that filters in its query) instead of
/// calling a row predicate per candidate. <see cref="CatalogSnapshot"/> hands such an index the filter.
/// </summary>
public interface IFilteredVectorIndex : IVectorIndex
{
    /// <summary>
    /// The <paramref name="k"/> rows most similar to <paramref name="query"/> among those <paramref name="filter"/>
    /// matches, less <paramref name="excludedRow"/> (−1: none), best first; filtering never shortens a result that had
    /// enough matching rows.
    /// </summary>
    IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, ProductFilter filter, int excludedRow);
}
