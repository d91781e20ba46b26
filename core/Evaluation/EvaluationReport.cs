using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageSearch.Core.Evaluation;

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

    public required IReadOnlyList<FailedQuery> FailedQueries { get; init; }

    public double Seconds { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, EvaluationJsonContext.Default.EvaluationReport);
}

public sealed record FailedQuery(int Line, string Id, string Reason);

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
