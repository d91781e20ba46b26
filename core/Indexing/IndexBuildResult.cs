namespace ImageSearch.Core.Indexing;

/// <summary>A catalog row that could not be indexed, and why.</summary>
public sealed record FailedRow(int Line, string Id, string Reason);

/// <summary>What a build did.</summary>
/// <param name="Written">Whether the index at the target path was replaced.</param>
/// <param name="Notes">Things the catalog owner should know (e.g. why an incremental build started from scratch).</param>
public sealed record IndexBuildResult(
    int Total,
    int Built,
    int Reused,
    IReadOnlyList<FailedRow> Failures,
    TimeSpan Elapsed,
    bool Written,
    IndexMetadata? Metadata,
    IReadOnlyList<string> Notes)
{
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? (Built + Reused) / Elapsed.TotalSeconds : 0;
}
