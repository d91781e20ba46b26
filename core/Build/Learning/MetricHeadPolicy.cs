using ImageSearch.Core.Catalog;

namespace ImageSearch.Core.Build.Learning;

/// <summary>When a build trains the metric head by default (<c>build --metric-head auto</c>).</summary>
public static class MetricHeadPolicy
{
    /// <summary>With training photos, always; without, when the catalog alone can teach what a match is (<see cref="Learnable"/>).</summary>
    public static bool TrainsByDefault(ProductCatalog catalog, bool hasTrainingPhotos)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return hasTrainingPhotos || Learnable(catalog);
    }

    /// <summary>
    /// Whether the catalog alone can teach a head what a match is: with a <c>group</c> column (matches are the exact
    /// product), at least two groups of two or more products; without one, at least two such categories. One shot per
    /// product teaches nothing about the exact product, and a head trained on its categories then loses exact-product
    /// recall (docs/quality.md: grocery R@1 0.377 → 0.34–0.36), so that catalog gets none without training photos.
    /// </summary>
    public static bool Learnable(ProductCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        static bool Repeats(IEnumerable<string?> labels) =>
            labels.Where(l => !string.IsNullOrWhiteSpace(l)).GroupBy(l => l, StringComparer.OrdinalIgnoreCase).Count(g => g.Count() > 1) >= 2;
        return catalog.Products.Any(p => p.Group is not null)
            ? Repeats(catalog.Products.Select(p => p.Group))
            : Repeats(catalog.Products.Select(p => p.Category));
    }
}
