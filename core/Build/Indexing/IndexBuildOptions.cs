using ImageSearch.Core.Build.Augmentation;
using ImageSearch.Core.Build.Calibration;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Build.Learning;

namespace ImageSearch.Core.Build.Indexing;

public sealed record IndexBuildOptions
{
    /// <summary>Images read, decoded and preprocessed at once (default: one per core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Images per model run.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Reuse the vectors of the previous index for images whose bytes have not changed.</summary>
    public bool Incremental { get; init; }

    /// <summary>
    /// With <see cref="Incremental"/>: fit the metric head and calibration again even where <see cref="RetrainRule"/>
    /// would keep the previous ones (a full build always fits them).
    /// </summary>
    public bool Retrain { get; init; }

    /// <summary>Write the index without the rows that failed (otherwise any failure leaves the previous index in place).</summary>
    public bool SkipFailed { get; init; }

    /// <summary>How the score calibration is fitted (see <see cref="ScoreCalibrator"/>); null builds an index without one.</summary>
    public ScoreCalibratorOptions? Calibration { get; init; } = new();

    /// <summary>Axes in the coarse codes of index.bin (see <see cref="CompactVectorIndex"/>).</summary>
    public int CoarseDimension { get; init; } = 256;

    /// <summary>
    /// index.bin carries compact codes from this many rows on; smaller catalogs are searched exactly, fast enough, and
    /// skip the seconds that learning the principal axes costs.
    /// </summary>
    public int CompactFromRows { get; init; } = 20_000;

    /// <summary>
    /// Labelled photos of the kind shoppers send (<c>build --training-queries</c>): the metric head trains on them with
    /// the catalog, and the calibration is fitted on their matches. Their SHA-256 go into the metadata, so
    /// <c>evaluate</c> never scores them.
    /// </summary>
    public IReadOnlyList<QueryImage>? TrainingQueries { get; init; }

    /// <summary>The learned metric head to train (see <see cref="MetricHeadTrainer"/>); null trains none.</summary>
    public MetricHeadOptions? MetricHead { get; init; }

    /// <summary>
    /// Augmented views of every catalog photo the metric head also trains on (<c>build --augment-views</c>), each an
    /// extra anchor with its item's label; 0: none. They only change training: nothing more is stored or searched.
    /// </summary>
    public int AugmentViews { get; init; }

    /// <summary>How those views are made (see <see cref="ViewAugmenter"/>).</summary>
    public ViewAugmentationOptions ViewAugmentation { get; init; } = new();
}
