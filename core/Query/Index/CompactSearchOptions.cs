namespace ImageSearch.Core.Query.Index;

/// <summary>How many candidates each pass of a <see cref="CompactVectorIndex"/> search keeps (see docs/benchmarks.md for the recall they buy).</summary>
public sealed record CompactSearchOptions
{
    /// <summary>Rows the coarse pass (int8 codes of the leading axes) hands to the full-code pass.</summary>
    public int CoarseCandidates { get; init; } = 2000;

    /// <summary>Rows the full-code pass hands to the exact float32 rescoring; never fewer than k.</summary>
    public int ExactCandidates { get; init; } = 200;
}
