using System.Text.Json.Serialization;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// The map from a raw cosine similarity to a calibrated score, the estimated probability that a result is relevant,
/// fitted per catalog at build time (<see cref="ScoreCalibrator"/>) and stored in the index metadata as
/// <c>score_calibration</c>. Every kind is non-decreasing in the similarity, so ranking by score is ranking by
/// similarity; the isotonic kind (and a logistic of positive slope) is strictly increasing, so a more similar result
/// always shows a higher score. Also holds the stricter <see cref="SameProductSimilarity"/> cut for near-duplicates.
/// </summary>
public sealed record ScoreCalibration
{
    /// <summary>Platt scaling: <c>score = 1 / (1 + exp(-(A·similarity + B)))</c>, fitted by logistic regression.</summary>
    public const string LogisticKind = "logistic";

    /// <summary>
    /// Isotonic regression (pool-adjacent-violators, smoothed), applied strictly increasing: linear between the fit's
    /// steps (each run of knots <see cref="X"/> → <see cref="Y"/> with one probability, taken at its middle similarity),
    /// and beyond the first and last step on with the slope there, bending towards 0 and 1.
    /// </summary>
    public const string IsotonicKind = "isotonic";

    /// <summary>
    /// The fixed fallback for a catalog without usable labels: a logistic of slope <see cref="ScoreCalibrator.FallbackSlope"/>
    /// whose midpoint is the 95th percentile of the catalog's nearest-neighbour similarities (stored as A and B).
    /// </summary>
    public const string PercentileLogisticKind = "percentile-logistic";

    /// <summary>No calibration (an index from before it existed, or built with <c>--no-calibration</c>): the cosine clamped to 0–1.</summary>
    public const string IdentityKind = "identity";

    /// <summary>The map an index without <c>score_calibration</c> gets: the clamped cosine, as before calibration existed.</summary>
    public static ScoreCalibration Uncalibrated { get; } = new() { Kind = IdentityKind, Label = "none" };

    public required string Kind { get; init; }

    /// <summary>What the score is the probability of: <c>group</c> (same product), <c>category</c> (same category), or <c>none</c> (no labels).</summary>
    public required string Label { get; init; }

    /// <summary>Slope of the logistic kinds.</summary>
    public double A { get; init; }

    /// <summary>Intercept of the logistic kinds.</summary>
    public double B { get; init; }

    /// <summary>Similarities of the isotonic knots, increasing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? X { get; init; }

    /// <summary>Probabilities at the isotonic knots, non-decreasing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? Y { get; init; }

    /// <summary>The cosine at or above which a result is flagged <c>same_product</c> (a near-duplicate); null: never.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SameProductSimilarity { get; init; }

    /// <summary>How <see cref="SameProductSimilarity"/> was chosen, in words.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SameProductBasis { get; init; }

    /// <summary>What the map was fitted on and how well it fits there (in-sample); null for <see cref="IdentityKind"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CalibrationFit? Fit { get; init; }

    /// <summary>The calibrated score of a cosine similarity, 0–1, non-decreasing in it.</summary>
    public float Apply(float similarity)
    {
        if (float.IsNaN(similarity))
        {
            return 0f;
        }

        switch (Kind)
        {
            case LogisticKind or PercentileLogisticKind:
                return (float)(1.0 / (1.0 + Math.Exp(-(A * similarity + B))));
            case IsotonicKind when X is { Count: > 0 } x && Y is { Count: > 0 } y:
                return (float)Interpolate(x, y, similarity);
            default:
                return Math.Clamp(similarity, 0f, 1f);
        }
    }

    /// <summary>The lowest cosine (to 0.001) whose score reaches <paramref name="score"/>, or "never".</summary>
    public string CosineAt(float score)
    {
        for (var i = -1000; i <= 1000; i++)
        {
            if (Apply(i / 1000f) >= score)
            {
                return (i / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return "never";
    }

    /// <summary>Whether a result this similar is taken for the same product (a near-duplicate).</summary>
    public bool IsSameProduct(float similarity) => SameProductSimilarity is { } cut && similarity >= cut;

    /// <summary>
    /// The isotonic map, strictly increasing: each run of knots with one probability (a step of the fit) counts as one
    /// knot at the run's middle similarity, and the map is linear between those. Below the first step and above the
    /// last it goes on with the slope it has there, bending smoothly towards 0 and 1 (exponentially), instead of
    /// staying flat. So order by score is order by similarity, without ties.
    /// </summary>
    private static double Interpolate(IReadOnlyList<double> x, IReadOnlyList<double> y, double at)
    {
        var first = Step(x, y, 0);
        var last = Step(x, y, x.Count - 1);
        if (at <= first.Middle)
        {
            var y0 = y[0];
            if (y0 <= 0)
            {
                return 0;
            }

            var next = first.End + 1 < x.Count ? Step(x, y, first.End + 1) : first;
            var slope = next.Middle > first.Middle && y[next.Start] > y0
                ? (y[next.Start] - y0) / (next.Middle - first.Middle)
                : y0 / Math.Max(first.Middle + 1, 1e-6);
            // y0·exp(k·(at − middle)) has the slope `slope` at the step; k is capped so that it stays above 0 in floats.
            var k = Math.Min(slope / y0, 20);
            return y0 * Math.Exp(k * (at - first.Middle));
        }

        if (at >= last.Middle)
        {
            var gap = 1 - y[^1];
            if (gap <= 0)
            {
                return 1;
            }

            var before = last.Start > 0 ? Step(x, y, last.Start - 1) : last;
            var slope = before.Middle < last.Middle && y[before.Start] < y[^1]
                ? (y[^1] - y[before.Start]) / (last.Middle - before.Middle)
                : gap / Math.Max(1 - last.Middle, 1e-6);
            // 1 − gap·exp(−k·(at − middle)), capped so that it stays below 1 in floats up to cosine 1.
            var k = Math.Min(slope / gap, 8 / Math.Max(1 - last.Middle, 1e-6));
            return 1 - (gap * Math.Exp(-k * (at - last.Middle)));
        }

        // The last knot at or below `at`, then the step it belongs to and the step before or after it.
        int lo = 0, hi = x.Count - 1;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (x[mid] <= at)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var step = Step(x, y, lo);
        if (at >= step.Middle)
        {
            var next = Step(x, y, step.End + 1);
            return Between(step.Middle, y[step.Start], next.Middle, y[next.Start], at);
        }

        var previous = Step(x, y, step.Start - 1);
        return Between(previous.Middle, y[previous.Start], step.Middle, y[step.Start], at);
    }

    /// <summary>The run of knots around <paramref name="knot"/> that share its probability, and its middle similarity.</summary>
    private static (int Start, int End, double Middle) Step(IReadOnlyList<double> x, IReadOnlyList<double> y, int knot)
    {
        int start = knot, end = knot;
        while (start > 0 && y[start - 1] == y[knot])
        {
            start--;
        }

        while (end < y.Count - 1 && y[end + 1] == y[knot])
        {
            end++;
        }

        return (start, end, (x[start] + x[end]) / 2);
    }

    /// <summary>The line through (x0, y0) and (x1, y1) at <paramref name="at"/>, within 0–1; y0 when the two share an x.</summary>
    private static double Between(double x0, double y0, double x1, double y1, double at) =>
        Math.Clamp(x1 - x0 <= 0 ? y0 : y0 + ((y1 - y0) * (at - x0) / (x1 - x0)), 0, 1);
}

/// <summary>The leave-one-out data a calibration was fitted on, and its fit there (in-sample).</summary>
/// <param name="Queries">Catalog items used as queries (all of them, or an evenly spaced sample).</param>
/// <param name="K">Neighbours taken per query.</param>
/// <param name="Pairs">(query, neighbour) pairs fitted.</param>
/// <param name="Positives">Pairs with the same <see cref="ScoreCalibration.Label"/>.</param>
/// <param name="Brier">Mean squared error of the fitted probabilities on those pairs (null without pairs: a catalog of one item).</param>
/// <param name="ExpectedCalibrationError">Pair-weighted mean |predicted − observed| over 10 equal-width bins.</param>
/// <param name="Seconds">Time the fit took (searches included).</param>
/// <param name="Source">
/// What the pairs came from: <c>catalog leave-one-out</c>, <c>training queries</c> (labelled query photos given at
/// build time), or <c>held-back catalog items</c> (those a metric head did not train on, against the rest); null in
/// indexes from before it was recorded (leave-one-out).
/// </param>
/// <param name="PhotoSha256">With training queries: the SHA-256 of each photo's bytes, so <c>evaluate</c> leaves them out.</param>
public sealed record CalibrationFit(
    int Queries, int K, int Pairs, int Positives, double? Brier, double? ExpectedCalibrationError, double Seconds, string? Source = null, IReadOnlyList<string>? PhotoSha256 = null);
