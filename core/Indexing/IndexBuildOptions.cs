using ImageSearch.Core.Search;

namespace ImageSearch.Core.Indexing;

public sealed record IndexBuildOptions
{
    /// <summary>Images read, decoded and preprocessed at once (default: one per core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Images per model run.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Reuse the vectors of the previous index for images whose bytes have not changed.</summary>
    public bool Incremental { get; init; }

    /// <summary>Write the index without the rows that failed (otherwise any failure leaves the previous index in place).</summary>
    public bool SkipFailed { get; init; }

    /// <summary>How the score calibration is fitted (see <see cref="ScoreCalibrator"/>); null builds an index without one.</summary>
    public ScoreCalibratorOptions? Calibration { get; init; } = new();
}
