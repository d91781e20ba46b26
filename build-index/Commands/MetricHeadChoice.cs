using System.Globalization;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.Catalog;

namespace ImageSearch.BuildIndex.Commands;

/// <summary>What <c>build --metric-head</c> asks for.</summary>
internal static class MetricHeadChoice
{
    /// <summary>
    /// <c>off</c>: none; a number: a head of that dimension; <c>auto</c>: the default head where
    /// <see cref="MetricHeadPolicy.TrainsByDefault"/> says there is something to learn from, else none.
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
            return MetricHeadPolicy.TrainsByDefault(catalog, trainingQueries is { Count: > 0 }) ? new MetricHeadOptions() : null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var dimension) && dimension > 0
            ? new MetricHeadOptions { Dimension = dimension }
            : throw new FormatException($"--metric-head takes auto, off or a dimension such as 256; got '{text}'.");
    }
}
