using System.Diagnostics;
using ImageSearch.Core.LinearAlgebra;
using ImageSearch.Core.Query.Index;

namespace ImageSearch.Core.Build.Calibration;

/// <summary>Which monotone map <see cref="ScoreCalibrator"/> fits.</summary>
public enum CalibrationMethod
{
    /// <summary>Platt scaling: logistic regression on the cosine.</summary>
    Logistic,

    /// <summary>Isotonic regression (pool-adjacent-violators) with a minimum block size and a Beta(1,1) prior per block.</summary>
    Isotonic,
}

public sealed record ScoreCalibratorOptions
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.Isotonic;

    /// <summary>Neighbours taken per leave-one-out query.</summary>
    public int K { get; init; } = 10;

    /// <summary>At most this many catalog items query the rest (evenly spaced through the catalog, so deterministic).</summary>
    public int MaxQueries { get; init; } = 5000;

    /// <summary>Fewer relevant (or irrelevant) leave-one-out pairs than this and a label is not used.</summary>
    public int MinPairsPerClass { get; init; } = 20;

    /// <summary>The <c>same_product</c> cut is the lowest cosine above which the calibration pairs (leave-one-out, or query photos against the catalog) are at least this often the same group.</summary>
    public double SameProductPrecision { get; init; } = 0.95;

    /// <summary>Without groups, the <c>same_product</c> cut is this percentile of each item's nearest other product's similarity.</summary>
    public double SameProductPercentile { get; init; } = 0.99;
}

/// <summary>One leave-one-out pair: a catalog item used as a query, one of its nearest other items, their cosine.</summary>
public readonly record struct NeighbourPair(int Query, int Row, int Rank, float Similarity);

/// <summary>
/// Fits a <see cref="ScoreCalibration"/> from a catalog's own labels: every catalog item (at most
/// <see cref="ScoreCalibratorOptions.MaxQueries"/>, evenly spaced) queries the rest by exact search; its top k
/// neighbours are labelled relevant when they share its group (where the catalog's groups repeat: "same product") or
/// else its category; a monotone map cosine → P(relevant) is fitted to those pairs. A catalog without usable labels
/// gets the documented fallback (<see cref="ScoreCalibration.PercentileLogisticKind"/>).
/// </summary>
public static class ScoreCalibrator
{
    /// <summary>Slope of the fallback logistic: from 0.08 at 0.1 below its midpoint to 0.92 at 0.1 above.</summary>
    public const double FallbackSlope = 25;

    /// <summary>Percentile of the nearest-neighbour similarities that is the fallback logistic's midpoint.</summary>
    public const double FallbackMidpointPercentile = 0.95;

    /// <param name="vectors">L2-normalised.</param>
    /// <param name="categories">Per row; blank when unknown.</param>
    /// <param name="groups">Per row; null when the catalog has no group column or the row none.</param>
    public static ScoreCalibration Fit(VectorRows vectors, IReadOnlyList<string> categories, IReadOnlyList<string?> groups, ScoreCalibratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(groups);
        options ??= new ScoreCalibratorOptions();
        var stopwatch = Stopwatch.StartNew();
        var index = new VectorIndex(vectors);
        if (categories.Count != index.Count || groups.Count != index.Count)
        {
            throw new ArgumentException($"{index.Count} rows need as many categories and groups.");
        }

        var pairs = LeaveOneOut(index, options.K, options.MaxQueries);
        bool SameGroup(NeighbourPair p) => groups[p.Query] is { } g && string.Equals(g, groups[p.Row], StringComparison.Ordinal);
        bool SameCategory(NeighbourPair p) => categories[p.Query].Length > 0 && string.Equals(categories[p.Query], categories[p.Row], StringComparison.OrdinalIgnoreCase);
        return FitPairs(pairs, SameGroup, SameCategory, options, stopwatch, allowFallback: true, "catalog leave-one-out")!;
    }

    /// <summary>
    /// Fits the calibration on labelled query photos instead of the catalog itself: each query's top k catalog items by
    /// exact search, relevant when they share its group (where queries and catalog both have groups and enough pairs
    /// match) or else its category. Photos of the kind shoppers send (e.g. store photos against studio catalog shots)
    /// teach what the catalog alone cannot. Null when the queries' labels are not usable (too few relevant or
    /// irrelevant pairs): keep the catalog's own calibration then.
    /// </summary>
    /// <param name="catalogVectors">L2-normalised, as searched.</param>
    /// <param name="queryVectors">L2-normalised, in the same space (so of the same dimension).</param>
    /// <param name="catalogRowOfQuery">
    /// When the queries are catalog items themselves (held back from what the vectors were learned on): each one's row,
    /// which its own search skips. Null for photos that are not in the catalog.
    /// </param>
    public static ScoreCalibration? FitOnQueries(
        VectorRows catalogVectors,
        IReadOnlyList<string> categories,
        IReadOnlyList<string?> groups,
        VectorRows queryVectors,
        IReadOnlyList<string> queryCategories,
        IReadOnlyList<string?> queryGroups,
        ScoreCalibratorOptions? options = null,
        IReadOnlyList<int>? catalogRowOfQuery = null)
    {
        ArgumentNullException.ThrowIfNull(catalogVectors);
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(queryVectors);
        ArgumentNullException.ThrowIfNull(queryCategories);
        ArgumentNullException.ThrowIfNull(queryGroups);
        options ??= new ScoreCalibratorOptions();
        var stopwatch = Stopwatch.StartNew();
        if (queryVectors.Dimension != catalogVectors.Dimension)
        {
            throw new ArgumentException($"Queries of {queryVectors.Dimension} cannot search a catalog of {catalogVectors.Dimension}.", nameof(queryVectors));
        }

        var index = new VectorIndex(catalogVectors);
        var queryCount = queryVectors.Count;
        if (categories.Count != index.Count || groups.Count != index.Count || queryCategories.Count != queryCount || queryGroups.Count != queryCount)
        {
            throw new ArgumentException($"{index.Count} catalog rows and {queryCount} queries need as many categories and groups.");
        }

        if (index.Count < 2 || queryCount == 0)
        {
            return null;
        }

        bool SameGroup(NeighbourPair p) => queryGroups[p.Query] is { } g && string.Equals(g, groups[p.Row], StringComparison.Ordinal);
        bool SameCategory(NeighbourPair p) => queryCategories[p.Query].Length > 0 && string.Equals(queryCategories[p.Query], categories[p.Row], StringComparison.OrdinalIgnoreCase);
        var source = catalogRowOfQuery is null ? "training queries" : "held-back catalog items";

        // When the top k are (nearly) all relevant, or all not, look deeper (5k, then 25k) for the other kind.
        for (var k = options.K; ; k *= 5)
        {
            var pairs = QueryPairs(index, queryVectors, k, catalogRowOfQuery);
            var fit = FitPairs(pairs, SameGroup, SameCategory, options with { K = k }, stopwatch, allowFallback: false, source);
            if (fit is not null || k >= index.Count - 1 || k >= 25 * options.K)
            {
                return fit;
            }
        }
    }

    /// <summary>Each query's top k catalog rows (its own row skipped where given).</summary>
    private static List<NeighbourPair> QueryPairs(VectorIndex index, VectorRows queryVectors, int k, IReadOnlyList<int>? catalogRowOfQuery)
    {
        var results = new NeighbourPair[queryVectors.Count][];
        Parallel.For(0, results.Length, q =>
        {
            var self = catalogRowOfQuery?[q] ?? -1;
            var hits = index.Search(queryVectors.Row(q), Math.Min(k, index.Count - (self >= 0 ? 1 : 0)), self >= 0 ? row => row != self : null);
            results[q] = [.. hits.Select((h, rank) => new NeighbourPair(q, h.Row, rank, h.Score))];
        });
        return [.. results.SelectMany(r => r)];
    }

    private static ScoreCalibration? FitPairs(
        IReadOnlyList<NeighbourPair> pairs,
        Func<NeighbourPair, bool> sameGroup,
        Func<NeighbourPair, bool> sameCategory,
        ScoreCalibratorOptions options,
        Stopwatch stopwatch,
        bool allowFallback,
        string source)
    {
        var queries = pairs.Select(p => p.Query).Distinct().Count();
        bool Usable(Func<NeighbourPair, bool> label)
        {
            var positives = pairs.Count(label);
            return positives >= options.MinPairsPerClass && pairs.Count - positives >= options.MinPairsPerClass;
        }

        (string Label, Func<NeighbourPair, bool>? Relevant) chosen =
            Usable(sameGroup) ? ("group", sameGroup) : Usable(sameCategory) ? ("category", sameCategory) : ("none", null);
        if (chosen.Relevant is null && !allowFallback)
        {
            return null;
        }

        var sameProduct = SameProductCut(pairs, sameGroup, options);
        ScoreCalibration calibration;
        if (chosen.Relevant is null)
        {
            // No labels to learn from: a fixed logistic centred on a high percentile of the nearest-neighbour similarities.
            var nearest = pairs.Where(p => p.Rank == 0).Select(p => (double)p.Similarity).Order().ToArray();
            var midpoint = nearest.Length > 0 ? Percentile(nearest, FallbackMidpointPercentile) : 0.9;
            calibration = new ScoreCalibration
            {
                Kind = ScoreCalibration.PercentileLogisticKind,
                Label = "none",
                A = FallbackSlope,
                B = Math.Round(-FallbackSlope * midpoint, 6),
            };
        }
        else
        {
            var data = pairs.Select(p => ((double)p.Similarity, chosen.Relevant(p))).ToList();
            calibration = options.Method == CalibrationMethod.Isotonic ? FitIsotonic(data) : FitLogistic(data);
            calibration = calibration with { Label = chosen.Label };
        }

        var relevant = chosen.Relevant ?? (_ => false);
        var quality = CalibrationQuality.Of([.. pairs.Select(p => ((double)calibration.Apply(p.Similarity), relevant(p)))]);
        return calibration with
        {
            SameProductSimilarity = sameProduct.Cut,
            SameProductBasis = sameProduct.Basis,
            Fit = new CalibrationFit(queries, options.K, pairs.Count, quality.Positives,
                pairs.Count > 0 ? quality.Brier : null, pairs.Count > 0 ? quality.ExpectedCalibrationError : null,
                Math.Round(stopwatch.Elapsed.TotalSeconds, 3), source),
        };
    }

    /// <summary>
    /// Each query row's <paramref name="k"/> nearest other rows by exact search. Queries are every row when there are
    /// at most <paramref name="maxQueries"/>, else rows evenly spaced through the index.
    /// </summary>
    public static IReadOnlyList<NeighbourPair> LeaveOneOut(VectorIndex index, int k, int maxQueries)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxQueries);
        if (index.Count < 2)
        {
            return [];
        }

        var queries = index.Count <= maxQueries
            ? Enumerable.Range(0, index.Count).ToArray()
            : [.. Enumerable.Range(0, maxQueries).Select(i => (int)((long)i * index.Count / maxQueries))];
        var results = new NeighbourPair[queries.Length][];
        Parallel.For(0, queries.Length, i =>
        {
            var query = queries[i];
            var hits = index.Search(index.Vector(query), Math.Min(k, index.Count - 1), row => row != query);
            results[i] = [.. hits.Select((h, rank) => new NeighbourPair(query, h.Row, rank, h.Score))];
        });
        return [.. results.SelectMany(r => r)];
    }

    /// <summary>Platt scaling: logistic regression of the label on the similarity (Newton's method, Platt's smoothed targets), slope kept ≥ 0.</summary>
    public static ScoreCalibration FitLogistic(IReadOnlyList<(double Similarity, bool Relevant)> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var n = data.Count;
        var positives = data.Count(d => d.Relevant);
        if (n == 0)
        {
            return new ScoreCalibration { Kind = ScoreCalibration.LogisticKind, Label = "none", A = 0, B = 0 };
        }

        // Platt's targets keep the fit finite when the classes separate.
        double hi = (positives + 1.0) / (positives + 2.0), lo = 1.0 / (n - positives + 2.0);
        var mean = data.Average(d => d.Similarity);
        var sd = Math.Sqrt(data.Average(d => (d.Similarity - mean) * (d.Similarity - mean)));
        sd = sd > 1e-9 ? sd : 1;
        double a = 0, b = Math.Log((positives + 1.0) / (n - positives + 1.0));
        var previous = double.MaxValue;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0, loss = 0;
            foreach (var (s, relevant) in data)
            {
                var z = (s - mean) / sd;
                var p = Sigmoid((a * z) + b);
                var t = relevant ? hi : lo;
                loss -= (t * Math.Log(Math.Max(p, 1e-300))) + ((1 - t) * Math.Log(Math.Max(1 - p, 1e-300)));
                var w = Math.Max(p * (1 - p), 1e-12);
                ga += (p - t) * z;
                gb += p - t;
                haa += w * z * z;
                hab += w * z;
                hbb += w;
            }

            var det = (haa * hbb) - (hab * hab);
            if (Math.Abs(det) < 1e-18 || Math.Abs(previous - loss) < 1e-10 * Math.Max(1, loss))
            {
                break;
            }

            previous = loss;
            a -= ((hbb * ga) - (hab * gb)) / det;
            b -= ((haa * gb) - (hab * ga)) / det;
        }

        if (a < 0)
        {
            // Similarity does not predict relevance here: a constant (still monotone) at the base rate.
            a = 0;
            b = Math.Log((positives + 1.0) / (n - positives + 1.0));
        }

        return new ScoreCalibration
        {
            Kind = ScoreCalibration.LogisticKind,
            Label = "none",
            A = Math.Round(a / sd, 6),
            B = Math.Round(b - (a * mean / sd), 6),
        };
    }

    /// <summary>
    /// Isotonic regression by pool-adjacent-violators, smoothed: blocks are merged with a neighbour until each holds at
    /// least max(20, n/50) pairs, each block's rate gets a Beta(1,1) prior ((positives + 1) / (count + 2)), and the map
    /// is linear between the blocks' mean similarities.
    /// </summary>
    public static ScoreCalibration FitIsotonic(IReadOnlyList<(double Similarity, bool Relevant)> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sorted = data.OrderBy(d => d.Similarity).ToArray();
        if (sorted.Length == 0)
        {
            return new ScoreCalibration { Kind = ScoreCalibration.IsotonicKind, Label = "none", X = [0.0], Y = [0.5] };
        }

        // Pool adjacent violators: blocks of (sum of similarities, positives, count) with non-decreasing rates.
        var blocks = new List<(double SumX, double SumY, int Count)>();
        foreach (var (s, relevant) in sorted)
        {
            blocks.Add((s, relevant ? 1 : 0, 1));
            while (blocks.Count > 1 && Rate(blocks[^2]) >= Rate(blocks[^1]))
            {
                Merge(blocks, blocks.Count - 2);
            }
        }

        // Equal similarities must share a block, else the map would jump between two knots at the same x.
        // (PAV already pools them when their rates violate; ties with rising rates are pooled here.)
        for (var i = 0; i + 1 < blocks.Count;)
        {
            if (Math.Abs(Mean(blocks[i]) - Mean(blocks[i + 1])) < 1e-12)
            {
                Merge(blocks, i);
            }
            else
            {
                i++;
            }
        }

        var minimum = Math.Max(20, sorted.Length / 50);
        while (blocks.Count > 1)
        {
            var smallest = 0;
            for (var i = 1; i < blocks.Count; i++)
            {
                smallest = blocks[i].Count < blocks[smallest].Count ? i : smallest;
            }

            if (blocks[smallest].Count >= minimum)
            {
                break;
            }

            // Merging neighbours of a non-decreasing sequence keeps it non-decreasing.
            var with = smallest == 0 ? 1
                : smallest == blocks.Count - 1 ? smallest - 1
                : blocks[smallest - 1].Count <= blocks[smallest + 1].Count ? smallest - 1 : smallest + 1;
            Merge(blocks, Math.Min(smallest, with));
        }

        var x = new double[blocks.Count];
        var y = new double[blocks.Count];
        for (var i = 0; i < blocks.Count; i++)
        {
            x[i] = Math.Round(Mean(blocks[i]), 6);
            // The prior can reorder two close rates: keep the sequence non-decreasing.
            y[i] = Math.Max(i > 0 ? y[i - 1] : 0, Math.Round((blocks[i].SumY + 1) / (blocks[i].Count + 2.0), 6));
        }

        return new ScoreCalibration { Kind = ScoreCalibration.IsotonicKind, Label = "none", X = x, Y = y };

        static double Rate((double SumX, double SumY, int Count) b) => b.SumY / b.Count;
        static double Mean((double SumX, double SumY, int Count) b) => b.SumX / b.Count;
        static void Merge(List<(double SumX, double SumY, int Count)> list, int i)
        {
            list[i] = (list[i].SumX + list[i + 1].SumX, list[i].SumY + list[i + 1].SumY, list[i].Count + list[i + 1].Count);
            list.RemoveAt(i + 1);
        }
    }

    /// <summary>
    /// The near-duplicate cut. With repeated groups: the lowest cosine such that the pairs at or above it are at least
    /// <see cref="ScoreCalibratorOptions.SameProductPrecision"/> the same group (and at least 10 of them). Otherwise
    /// (every item its own product): a high percentile of each item's nearest other product's similarity.
    /// </summary>
    private static (double? Cut, string? Basis) SameProductCut(IReadOnlyList<NeighbourPair> pairs, Func<NeighbourPair, bool> sameGroup, ScoreCalibratorOptions options)
    {
        if (pairs.Count == 0)
        {
            return (null, null);
        }

        var byScore = pairs.OrderByDescending(p => p.Similarity).ToArray();
        var same = 0;
        double? cut = null;
        for (var i = 0; i < byScore.Length; i++)
        {
            same += sameGroup(byScore[i]) ? 1 : 0;
            var next = i + 1 < byScore.Length ? byScore[i + 1].Similarity : float.NegativeInfinity;
            if (i + 1 >= 10 && next < byScore[i].Similarity && same >= options.SameProductPrecision * (i + 1))
            {
                cut = byScore[i].Similarity;
            }
        }

        if (same >= options.MinPairsPerClass && cut is { } c)
        {
            return (Math.Round(c, 6), string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"lowest cosine above which the calibration pairs are >= {options.SameProductPrecision:P0} the same group"));
        }

        var crossProduct = pairs.GroupBy(p => p.Query)
            .Select(g => g.Where(p => !sameGroup(p)).Select(p => (double)p.Similarity).DefaultIfEmpty(double.NaN).Max())
            .Where(s => !double.IsNaN(s)).Order().ToArray();
        if (crossProduct.Length == 0)
        {
            return (null, null);
        }

        var percentile = Percentile(crossProduct, options.SameProductPercentile);
        return (Math.Round(percentile, 6), string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{options.SameProductPercentile * 100:0.#}th percentile of each item's nearest other product's cosine"));
    }

    private static double Percentile(double[] sorted, double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
