using System.Globalization;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Evaluation;
using ImageSearch.Core.Learning;

namespace ImageSearch.BuildIndex.Commands;

/// <summary>What <c>build --metric-head</c> asks for.</summary>
internal static class MetricHeadChoice
{
    /// <summary>
    /// <c>off</c>: none; a number: a head of that dimension; <c>auto</c>: the default head when there is something to
    /// learn from (training photos, or catalog categories or groups that repeat), else none.
    /// </summary>
    public static MetricHeadOptions? Parse(string text, ProductCatalog catalog, IReadOnlyList<QueryImage>? trainingQueries)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(catalog);
        var value = text.Trim().ToLowerInvariant();
        if (value == "off")
        {
            return null;
        }

        if (value == "auto")
        {
            return trainingQueries is { Count: > 0 } || HasRepeatedLabels(catalog) ? new MetricHeadOptions() : null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var dimension) && dimension > 0
            ? new MetricHeadOptions { Dimension = dimension }
            : throw new FormatException($"--metric-head takes auto, off or a dimension such as 256; got '{text}'.");
    }

    /// <summary>At least two labels (categories, or groups) that each hold two or more products: enough to learn a metric from.</summary>
    public static bool HasRepeatedLabels(ProductCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        static bool Repeats(IEnumerable<string?> labels) =>
            labels.Where(l => !string.IsNullOrWhiteSpace(l)).GroupBy(l => l, StringComparer.OrdinalIgnoreCase).Count(g => g.Count() > 1) >= 2;
        return Repeats(catalog.Products.Select(p => p.Category)) || Repeats(catalog.Products.Select(p => p.Group));
    }
}
