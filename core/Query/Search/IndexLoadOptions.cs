using ImageSearch.Core.Query.Index;

namespace ImageSearch.Core.Query.Search;

/// <summary>How an index is loaded for searching (configuration section <c>ImageSearch:Index</c>).</summary>
public sealed record IndexLoadOptions
{
    /// <summary>Map index.bin when it belongs to the index (its length and checksum are in the metadata); otherwise, or when false, parse index.csv.</summary>
    public bool UseBinary { get; init; } = true;

    /// <summary>Check the checksum of index.bin's exact vectors on loading too (the other sections are always checked).</summary>
    public bool VerifyVectors { get; init; } = true;

    /// <summary>Search with the compact codes from this many rows on (when index.bin has them); exact below.</summary>
    public int CompactFromRows { get; init; } = 20_000;

    public CompactSearchOptions Compact { get; init; } = new();
}
