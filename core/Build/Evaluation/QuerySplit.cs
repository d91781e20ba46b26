using System.Security.Cryptography;
using System.Text;

namespace ImageSearch.Core.Build.Evaluation;

/// <summary>Which query photos an evaluation reports on.</summary>
public enum QueryHalf
{
    All,

    /// <summary>The photos techniques and parameters may be tuned on.</summary>
    Tuning,

    /// <summary>The photos never looked at while tuning: the numbers to trust.</summary>
    HeldOut,
}

/// <summary>
/// Splits query photos deterministically into a tuning half and a held-out half by the SHA-256 of their id (first
/// byte even: tuning), so the split is the same on every machine, in every run and whatever the file's order.
/// </summary>
public static class QuerySplit
{
    public static QueryHalf HalfOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return (hash[0] & 1) == 0 ? QueryHalf.Tuning : QueryHalf.HeldOut;
    }

    public static bool Includes(QueryHalf half, string id) => half == QueryHalf.All || HalfOf(id) == half;

    public static IReadOnlyList<QueryImage> Select(IReadOnlyList<QueryImage> queries, QueryHalf half) =>
        half == QueryHalf.All ? queries : [.. queries.Where(q => HalfOf(q.Id) == half)];

    public static QueryHalf Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "all" => QueryHalf.All,
        "tuning" or "tune" => QueryHalf.Tuning,
        "held-out" or "heldout" or "holdout" => QueryHalf.HeldOut,
        _ => throw new FormatException($"Unknown query half '{text}': use all, tuning or held-out."),
    };
}
