using System.Text.Json.Serialization;

namespace ImageSearch.Core.Search;

/// <summary>
/// The map from a raw cosine similarity to a calibrated score, the estimated probability that a result is relevant,
/// fitted per catalog at build time (<see cref="ScoreCalibrator"/>) and stored in the index metadata as
/// <c>score_calibration</c>. Every kind is non-decreasing in the similarity, so ranking by score is ranking by
/// similarity. Also holds the stricter <see cref="SameProductSimilarity"/> cut for near-duplicates.
/// </summary>
public sealed record ScoreCalibration
{
    /// <summary>Platt scaling: <c>score = 1 / (1 + exp(-(A·similarity + B)))</c>, fitted by logistic regression.</summary>
    public const string LogisticKind = "logistic";

    /// <summary>Isotonic regression (pool-adjacent-violators, smoothed): linear between the knots <see cref="X"/> → <see cref="Y"/>, flat outside.</summary>
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

    private static double Interpolate(IReadOnlyList<double> x, IReadOnlyList<double> y, double at)
    {
        if (at <= x[0])
        {
            return y[0];
        }

        if (at >= x[^1])
        {
            return y[^1];
        }

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

        var span = x[hi] - x[lo];
        return span <= 0 ? y[hi] : y[lo] + ((y[hi] - y[lo]) * (at - x[lo]) / span);
    }
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
