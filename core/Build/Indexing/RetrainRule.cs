using System.Globalization;
using System.Security.Cryptography;
using ImageSearch.Core.Build.Calibration;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Index;

namespace ImageSearch.Core.Build.Indexing;

/// <summary>What an incremental build does with the previous index's metric head and calibration, and why.</summary>
/// <param name="Keep">Keep them (new and changed rows are projected with the stored head) rather than fit them again.</param>
/// <param name="Changed">Rows added, removed, or with another photo or label since the previous build.</param>
/// <param name="Basis">What the kept head and calibration were fitted on, this build's changes added; null when they are fitted again.</param>
/// <param name="Reason">The decision in words, for the build's summary.</param>
public sealed record RetrainDecision(bool Keep, int Changed, LearningBasis? Basis, string Reason);

/// <summary>
/// When an incremental build keeps the previous index's metric head and score calibration: the settings (head,
/// augmented views, calibration method, training photos) are the same, <c>--retrain</c> is not given, and the rows
/// added, removed or given another photo or label since they were fitted — summed over the builds that kept them — are
/// at most <see cref="MaxChangedShare"/> of the rows they were fitted on. A head learns what separates the catalog's
/// labels, so a few new or edited products are placed well by it; once a tenth of the catalog is new to it, it is
/// trained again (and the augmented views of unchanged photos come from the view cache). Indexes from before the basis
/// was recorded are kept only when the catalog file is unchanged.
/// </summary>
public static class RetrainRule
{
    /// <summary>Share of the rows a head was fitted on that may change before it is fitted again.</summary>
    public const double MaxChangedShare = 0.10;

    /// <param name="rows">The rows written, in order, each with the SHA-256 of its photo.</param>
    public static RetrainDecision Decide(IndexMetadata previous, ProductCatalog catalog, IReadOnlyList<(Product Product, string ImageSha256)> rows, IndexBuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var labels = previous.LearnedFrom?.Labels;
        var changed = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (product, hash) in rows)
        {
            ids.Add(product.Id);
            var same = previous.ImageSha256.TryGetValue(product.Id, out var before) && string.Equals(before, hash, StringComparison.OrdinalIgnoreCase)
                && (labels is null || (labels.TryGetValue(product.Id, out var label) && label == LearningBasis.LabelOf(product)));
            changed += same ? 0 : 1;
        }

        changed += previous.ImageSha256.Keys.Count(id => !ids.Contains(id));
        if (options.Retrain)
        {
            return new RetrainDecision(false, changed, null, "fitted again: --retrain");
        }

        if (SettingsChange(previous, options) is { } setting)
        {
            return new RetrainDecision(false, changed, null, $"fitted again: {setting}");
        }

        if (previous.LearnedFrom is not { } basis)
        {
            return string.Equals(previous.CatalogSha256, catalog.Sha256, StringComparison.OrdinalIgnoreCase) && changed == 0
                ? new RetrainDecision(true, 0, new LearningBasis(previous.RowCount, 0, Labels(rows)), "kept: nothing changed")
                : new RetrainDecision(false, changed, null, "fitted again: the previous index does not record what they were fitted on");
        }

        var total = basis.ChangedSince + changed;
        var share = total / (double)Math.Max(1, basis.Rows);
        var counted = string.Create(CultureInfo.InvariantCulture,
            $"{total} row(s) changed since they were fitted on {basis.Rows} ({share * 100:F1}%; fitted again above {MaxChangedShare * 100:F0}%)");
        return share <= MaxChangedShare
            ? new RetrainDecision(true, changed, new LearningBasis(basis.Rows, total, Labels(rows)), $"kept: {counted}")
            : new RetrainDecision(false, changed, null, $"fitted again: {counted}");
    }

    /// <summary>The fingerprints of the rows' labels, by id.</summary>
    public static Dictionary<string, string> Labels(IEnumerable<(Product Product, string ImageSha256)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (product, _) in rows)
        {
            labels.TryAdd(product.Id, LearningBasis.LabelOf(product));
        }

        return labels;
    }

    /// <summary>Which setting differs from the previous index's head or calibration, or null when none does.</summary>
    private static string? SettingsChange(IndexMetadata previous, IndexBuildOptions options)
    {
        if (options.MetricHead is { } head)
        {
            if (previous.Projection?.Training?.Loss != MetricHeadTrainer.Describe(head))
            {
                return previous.Projection is null ? "the previous index has no metric head" : "other metric head settings";
            }

            if (previous.Projection.Training.Augmentation != (options.AugmentViews > 0 ? IndexLearning.Augmentation(options) : null))
            {
                return "other augmented views";
            }
        }
        else if (previous.Projection is not null)
        {
            return "no metric head asked for";
        }

        var sameCalibration = options.Calibration is { } calibration
            ? previous.ScoreCalibration is { } stored && stored.Kind is not ScoreCalibration.IdentityKind
                && (stored.Kind == ScoreCalibration.PercentileLogisticKind
                    || stored.Kind == (calibration.Method == CalibrationMethod.Isotonic ? ScoreCalibration.IsotonicKind : ScoreCalibration.LogisticKind))
            : previous.ScoreCalibration is null;
        if (!sameCalibration)
        {
            return "other calibration settings";
        }

        var photos = (options.TrainingQueries ?? []).Select(q => File.Exists(q.ImagePath) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(q.ImagePath))) : q.ImagePath);
        return RetrievalEvaluator.TrainingPhotos(previous).SetEquals(photos) ? null : "other training photos";
    }
}
