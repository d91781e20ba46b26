using System.Text.Json;
using System.Text.Json.Serialization;
using ImageSearch.Core.Build.Calibration;

namespace ImageSearch.Core.Build.Evaluation;

/// <summary>Quality of an index against a labelled query set (see docs/quality.md for what each number means).</summary>
public sealed record EvaluationReport
{
    public required int Queries { get; init; }

    public required int CatalogSize { get; init; }

    public required IReadOnlyList<int> K { get; init; }

    /// <summary>Mean share of the top k results whose category equals the query's.</summary>
    public required IReadOnlyDictionary<int, double> CategoryPrecisionAtK { get; init; }

    /// <summary>The same, with the merged category sets counted as one category (null when none were given).</summary>
    public IReadOnlyDictionary<int, double>? MergedCategoryPrecisionAtK { get; init; }

    /// <summary>Share of queries whose exact product (<c>group</c>) is in the top k (null when the data has no groups).</summary>
    public IReadOnlyDictionary<int, double>? GroupRecallAtK { get; init; }

    public required ScoreDistribution Top1Score { get; init; }

    /// <summary>Top-1 scores when the top result is relevant (same group where known, else same category).</summary>
    public ScoreDistribution? Top1ScoreWhenRelevant { get; init; }

    public ScoreDistribution? Top1ScoreWhenNotRelevant { get; init; }

    public required double Threshold { get; init; }

    /// <summary>Queries with at least one result scoring at or above <see cref="Threshold"/>.</summary>
    public required int QueriesWithResultAboveThreshold { get; init; }

    /// <summary>How well the score is calibrated on these queries, raw cosine against calibrated score.</summary>
    public CalibrationReport? Calibration { get; init; }

    public required IReadOnlyList<FailedQuery> FailedQueries { get; init; }

    /// <summary>Query photos left out because the index learned from them at build time (<c>build --training-queries</c>).</summary>
    public int ExcludedTrainingPhotos { get; init; }

    public double Seconds { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, EvaluationJsonContext.Default.EvaluationReport);
}

public sealed record FailedQuery(int Line, string Id, string Reason);

/// <summary>
/// Calibration on a query set, over every (query, result) pair of the top <see cref="K"/>: a reliability table, the
/// Brier score and the threshold cut, for the raw cosine (clamped to 0–1, read as a probability) and for the calibrated score.
/// </summary>
/// <param name="Kind">The calibration's kind (<see cref="ScoreCalibration.Kind"/>).</param>
/// <param name="Relevance">What a relevant pair is here: <c>group</c> (same product) or <c>category</c>, the calibration's label where it has one.</param>
/// <param name="CosineAtThreshold">The lowest cosine whose calibrated score reaches the threshold (to 0.001), or "never".</param>
public sealed record CalibrationReport(
    string Kind,
    string Relevance,
    int K,
    string CosineAtThreshold,
    CalibrationQuality Raw,
    CalibrationQuality Calibrated,
    ThresholdCut RawCut,
    ThresholdCut CalibratedCut,
    SameProductReport? SameProduct);

/// <summary>The results at or above a threshold among the top-k pairs: how many, how many relevant, and of all relevant pairs how many kept.</summary>
/// <param name="QueriesWithAny">Queries with at least one result at or above the threshold.</param>
public sealed record ThresholdCut(double Threshold, int Results, double Precision, double Recall, int QueriesWithAny)
{
    /// <summary>The cut of (predicted score, relevant) pairs at <paramref name="threshold"/>; precision or recall is NaN when nothing is kept or nothing is relevant.</summary>
    public static ThresholdCut Of(IReadOnlyList<(double Predicted, bool Relevant)> pairs, double threshold, int queriesWithAny)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var kept = pairs.Where(p => p.Predicted >= threshold).ToList();
        var relevant = pairs.Count(p => p.Relevant);
        var keptRelevant = kept.Count(p => p.Relevant);
        return new ThresholdCut(
            threshold,
            kept.Count,
            kept.Count > 0 ? keptRelevant / (double)kept.Count : double.NaN,
            relevant > 0 ? keptRelevant / (double)relevant : double.NaN,
            queriesWithAny);
    }

    /// <summary>The same cut with precision and recall rounded to <paramref name="digits"/> decimals, as reports show them.</summary>
    public ThresholdCut Rounded(int digits) => this with { Precision = Math.Round(Precision, digits), Recall = Math.Round(Recall, digits) };
}

/// <summary>Results flagged <c>same_product</c> (cosine at or above <see cref="Cut"/>) and how many are the query's exact product (or category when there are no groups).</summary>
public sealed record SameProductReport(double Cut, string Relevance, int Results, int Relevant, int QueriesWithAny);

/// <summary>Order statistics of a set of scores.</summary>
public sealed record ScoreDistribution(int Count, double Min, double P10, double P25, double Median, double P75, double P90, double Max, double Mean)
{
    public static ScoreDistribution? Of(IReadOnlyCollection<float> scores)
    {
        if (scores.Count == 0)
        {
            return null;
        }

        var sorted = scores.Select(s => (double)s).Order().ToArray();
        double At(double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
        return new ScoreDistribution(sorted.Length, sorted[0], At(0.1), At(0.25), At(0.5), At(0.75), At(0.9), sorted[^1], sorted.Average());
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(EvaluationReport))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
