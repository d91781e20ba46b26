using System.Globalization;
using System.Security.Cryptography;
using ImageSearch.Core.Build.Calibration;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.LinearAlgebra;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Index;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Core.Build.Indexing;

/// <summary>
/// What a build learns once its vectors are written: the metric head (optional) and the score calibration, and the
/// vectors the search compares (the embeddings, or their projections through the head).
/// </summary>
internal sealed record LearnedIndex(LinearProjection? Projection, ScoreCalibration? Calibration, VectorRows Searched);

/// <summary>
/// The build's learning step. With <see cref="IndexBuildOptions.TrainingQueries"/> (labelled photos of the kind shoppers
/// send), those are embedded and used: the metric head trains on catalog + photos, and the calibration is fitted on
/// photo → catalog pairs (on the head's validation photos, which it never trained on). Without them, the head (if asked
/// for) trains on the catalog's own labels and the calibration is the catalog's leave-one-out fit.
/// </summary>
internal sealed class IndexLearning(IImageEmbedder embedder, ILogger logger)
{
    private const int Batch = 8;

    /// <param name="catalog">The rows' embeddings, one row each.</param>
    /// <param name="views">Embeddings of augmented views of rows' photos, the head's extra anchors; null: none.</param>
    public LearnedIndex Learn(IReadOnlyList<(Product Product, ReadOnlyMemory<float> Vector)> rows, VectorRows catalog, IndexBuildOptions options, List<string> notes, CancellationToken cancellationToken, AugmentedViews? views = null)
    {
        var d = embedder.Dimension;
        var categories = rows.Select(r => r.Product.Category).ToArray();
        var groups = rows.Select(r => r.Product.Group).ToArray();
        var photos = options.TrainingQueries is { Count: > 0 } queries ? EmbedPhotos(queries, notes, cancellationToken) : null;

        LinearProjection? projection = null;
        IReadOnlyList<int> calibrationPhotos = photos is null ? [] : [.. Enumerable.Range(0, photos.Queries.Count)];
        IReadOnlyList<int> heldBackItems = [];
        if (options.MetricHead is { } head)
        {
            var set = TrainingSet(catalog, categories, groups, photos, views);
            try
            {
                var trained = MetricHeadTrainer.Train(set, head, logger, cancellationToken);
                projection = trained.Projection with
                {
                    Training = trained.Projection.Training! with
                    {
                        PhotoSha256 = photos?.Sha256,
                        Augmentation = views is not null ? Augmentation(options) : null,
                    },
                };

                // The calibration must not be fitted on what the head trained on (its cosines there are flattering), but
                // on what it held back: photos when there were enough, else catalog items.
                calibrationPhotos = [.. trained.ValidationRows.Where(r => r >= rows.Count && r < rows.Count + (photos?.Queries.Count ?? 0)).Select(r => r - rows.Count)];
                heldBackItems = [.. trained.ValidationRows.Where(r => r < rows.Count)];
                var t = projection.Training!;
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"metric head: {projection.InputDimension} → {projection.OutputDimension}, trained on {t.CatalogItems} catalog items{(t.AugmentedViews is { } v ? $", {t.TrainingQueries} photos and {v} augmented views" : $" and {t.TrainingQueries} photos")} by {t.Label}; validation mAP {t.ValidationMapBefore:F3} → {t.ValidationMapAfter:F3} on {t.ValidationItems} held back (epoch {t.BestEpoch} of {t.Epochs}); {t.Seconds:F1} s."));
            }
            catch (ArgumentException e)
            {
                notes.Add($"metric head: not trained ({e.Message}).");
            }
        }

        ScoreCalibration? calibration = null;
        var searched = projection is null ? catalog : projection.ApplyAll(catalog);
        if (options.Calibration is { } calibrationOptions)
        {
            if (photos is not null && calibrationPhotos.Count > 0)
            {
                var vectors = VectorRows.Of([.. calibrationPhotos.Select(i => Searched(photos.Vectors.Row(i), projection))], searched.Dimension);
                calibration = ScoreCalibrator.FitOnQueries(searched, categories, groups, vectors,
                    [.. calibrationPhotos.Select(i => photos.Queries[i].Category)], [.. calibrationPhotos.Select(i => photos.Queries[i].Group)], calibrationOptions);
                calibration = calibration is null ? null : calibration with
                {
                    Fit = calibration.Fit! with { PhotoSha256 = [.. calibrationPhotos.Select(i => photos.Sha256[i])] },
                };
            }

            if (calibration is null && heldBackItems.Count > 0)
            {
                calibration = ScoreCalibrator.FitOnQueries(searched, categories, groups, searched.Gather(heldBackItems),
                    [.. heldBackItems.Select(r => categories[r])], [.. heldBackItems.Select(r => groups[r])], calibrationOptions, heldBackItems);
            }

            if (calibration is null && projection is not null)
            {
                notes.Add("score calibration: the metric head held back too little to fit on, so it is fitted on the catalog it trained on and will be overconfident.");
            }
            else if (calibration is null && photos is not null)
            {
                notes.Add(calibrationPhotos.Count == 0
                    ? "score calibration: no training photo was held back from the metric head (it needs 20 or more), so it is fitted on the catalog alone."
                    : "score calibration: the training photos give too few relevant or irrelevant pairs, so it is fitted on the catalog alone.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            calibration ??= ScoreCalibrator.Fit(searched, categories, groups, calibrationOptions);
            notes.Add(Describe(calibration));
            logger.LogInformation("{Calibration}", notes[^1]);
        }

        return new LearnedIndex(projection, calibration, searched);
    }

    /// <summary>Keeps the previous index's head and calibration (see <see cref="RetrainRule"/>), projecting every row with the head.</summary>
    public LearnedIndex Reuse(IndexMetadata previous, VectorRows catalog, RetrainDecision decision, List<string> notes)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(decision);
        notes.Add($"--incremental: the previous index's metric head and score calibration are kept ({decision.Reason["kept: ".Length..]}); new rows are projected with the head.");
        logger.LogInformation("{Note}", notes[^1]);
        return previous.Projection is { } projection
            ? new LearnedIndex(projection, previous.ScoreCalibration, projection.ApplyAll(catalog))
            : new LearnedIndex(null, previous.ScoreCalibration, catalog);
    }

    /// <summary>The augmentation settings as stored with a head trained on views (and compared by an incremental build).</summary>
    internal static string Augmentation(IndexBuildOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"{options.AugmentViews} views a photo: {options.ViewAugmentation.Describe()}");

    /// <summary>
    /// Catalog rows, training photos and augmented views, labelled by <c>group</c> where the photos (or, without photos,
    /// the catalog's repeated groups) give one, else by category. Views (after the photos) carry their row's label.
    /// </summary>
    private static MetricTrainingSet TrainingSet(VectorRows catalog, string[] categories, string?[] groups, TrainingPhotos? photos, AugmentedViews? views)
    {
        var queries = photos?.Queries ?? [];
        var byGroup = photos is null
            ? groups.Where(g => g is not null).GroupBy(g => g).Any(g => g.Count() > 1)
            : groups.Any(g => g is not null) && queries.Any(q => q.Group is not null && groups.Contains(q.Group));
        var n = categories.Length;
        var viewOf = Enumerable.Range(0, views?.Count ?? 0).Select(v => views!.RowOf(v)).ToArray();
        var names = byGroup
            ? groups.Concat(queries.Select(q => q.Group)).Concat(viewOf.Select(r => groups[r]))
            : categories.Concat(queries.Select(q => (string?)q.Category)).Concat(viewOf.Select(r => (string?)categories[r]));
        var labels = MetricTrainingSet.Encode(names);
        var vectors = VectorRows.Concat([catalog, .. new[] { photos?.Vectors, views?.Vectors }.OfType<VectorRows>()]);
        var photoCount = queries.Count;
        return new MetricTrainingSet(vectors, labels, [.. Enumerable.Range(0, labels.Length).Select(i => i < n)], byGroup ? "group" : "category",
            views is not null ? [.. Enumerable.Repeat(-1, n + photoCount), .. viewOf] : null);
    }

    private static float[] Searched(ReadOnlySpan<float> embedding, LinearProjection? projection) =>
        projection is null ? embedding.ToArray() : projection.Apply(embedding);

    /// <summary>The training photos that could be read and decoded, their vectors and the SHA-256 of their bytes.</summary>
    private sealed record TrainingPhotos(IReadOnlyList<QueryImage> Queries, VectorRows Vectors, IReadOnlyList<string> Sha256);

    private TrainingPhotos EmbedPhotos(IReadOnlyList<QueryImage> queries, List<string> notes, CancellationToken cancellationToken)
    {
        var kept = new List<QueryImage>();
        var vectors = new List<float>();
        var hashes = new List<string>();
        var problems = new List<string>();
        for (var start = 0; start < queries.Count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = new List<(QueryImage Query, byte[] Bytes)>();
            foreach (var query in queries.Skip(start).Take(Batch))
            {
                if (File.Exists(query.ImagePath))
                {
                    chunk.Add((query, File.ReadAllBytes(query.ImagePath)));
                }
                else
                {
                    problems.Add($"line {query.Line} ({query.Id}): image file not found: {query.ImagePath}");
                }
            }

            float[][] embedded;
            try
            {
                embedded = embedder.EmbedBatch([.. chunk.Select(c => (ReadOnlyMemory<byte>)c.Bytes)]);
            }
            catch (ImageDecodeException)
            {
                // Find the bad photo: one by one.
                embedded = [.. chunk.Select(c => EmbedOrNull(c.Bytes, c.Query, problems) ?? [])];
            }

            for (var i = 0; i < chunk.Count; i++)
            {
                if (embedded[i].Length == 0)
                {
                    continue;
                }

                kept.Add(chunk[i].Query);
                vectors.AddRange(embedded[i]);
                hashes.Add(Convert.ToHexStringLower(SHA256.HashData(chunk[i].Bytes)));
            }
        }

        notes.Add($"training photos: {kept.Count} of {queries.Count} embedded" + (problems.Count > 0 ? $"; skipped {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? $" and {problems.Count - 5} more" : "")}." : "."));
        return new TrainingPhotos(kept, new VectorRows([.. vectors], kept.Count, embedder.Dimension), hashes);
    }

    private float[]? EmbedOrNull(byte[] bytes, QueryImage query, List<string> problems)
    {
        try
        {
            return embedder.Embed(bytes);
        }
        catch (ImageDecodeException e)
        {
            problems.Add($"line {query.Line} ({query.Id}): {e.Error.Describe()}");
            return null;
        }
    }

    private static string Describe(ScoreCalibration c)
    {
        var fit = c.Fit!;
        var source = fit.Source switch
        {
            "training queries" => $"query → catalog pairs of {fit.Queries} training photos",
            "held-back catalog items" => $"pairs of {fit.Queries} catalog items the metric head held back",
            _ => $"leave-one-out pairs of {fit.Queries} items",
        };
        var what = c.Label == "none"
            ? $"no usable categories or groups, so the fixed fallback {c.Kind} (midpoint {-c.B / c.A:F3})"
            : $"{c.Kind} P(same {c.Label} | cosine) on {fit.Pairs} {source} ({fit.Positives} positive), Brier {fit.Brier:F3}, ECE {fit.ExpectedCalibrationError:F3} (in-sample)";
        var cut = c.SameProductSimilarity is { } s ? $"; same_product at cosine >= {s:F3} ({c.SameProductBasis})" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"score calibration: {what}; score 0.70 at cosine {c.CosineAt(0.70f)}{cut}; {fit.Seconds:F1} s.");
    }
}
