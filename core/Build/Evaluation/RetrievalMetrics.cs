using ImageSearch.Core.Catalog;

namespace ImageSearch.Core.Build.Evaluation;

/// <summary>
/// What one query's ranked answer is worth: the one definition of precision and recall at k that
/// <see cref="RetrievalEvaluator"/> reports and the research lab measures with.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>
    /// The share of the first <paramref name="k"/> products in the query's category (or in its merged set of categories);
    /// an answer shorter than k counts its missing places as wrong.
    /// </summary>
    public static double CategoryPrecisionAt(IReadOnlyList<Product> ranked, int k, string category, CategoryMerge? merge = null)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return merge is null
            ? ranked.Take(k).Count(p => p.Category == category) / (double)k
            : ranked.Take(k).Count(p => merge.Same(p.Category, category)) / (double)k;
    }

    /// <summary>1 when the query's exact product (its <paramref name="group"/>) is among the first <paramref name="k"/>, else 0; always 0 for a query without a group.</summary>
    public static double GroupRecallAt(IReadOnlyList<Product> ranked, int k, string? group)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return group is not null && ranked.Take(k).Any(p => p.Group == group) ? 1 : 0;
    }
}
