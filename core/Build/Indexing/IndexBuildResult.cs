using ImageSearch.Core.Query.Index;

namespace ImageSearch.Core.Build.Indexing;

/// <summary>A catalog row that could not be indexed, and why.</summary>
public sealed record FailedRow(int Line, string Id, string Reason);

/// <summary>What a build did.</summary>
/// <param name="Written">Whether the index at the target path was replaced.</param>
/// <param name="Notes">Things the catalog owner should know (e.g. why an incremental build started from scratch).</param>
/// <param name="Learning">Whether the metric head and calibration were fitted or kept, and why; null when the index has neither.</param>
/// <param name="Views">The augmented views the head trained on: how many were embedded and how many came from the view cache; null without views.</param>
public sealed record IndexBuildResult(
    int Total,
    int Built,
    int Reused,
    IReadOnlyList<FailedRow> Failures,
    TimeSpan Elapsed,
    bool Written,
    IndexMetadata? Metadata,
    IReadOnlyList<string> Notes,
    string? Learning = null,
    ViewStatistics? Views = null)
{
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? (Built + Reused) / Elapsed.TotalSeconds : 0;
}

/// <summary>Augmented views a build used: embedded now (in <paramref name="Seconds"/>, rendering included) or taken from the view cache.</summary>
public sealed record ViewStatistics(int Embedded, int Reused, double Seconds)
{
    public double ViewsPerSecond => Seconds > 0 ? Embedded / Seconds : 0;
}
