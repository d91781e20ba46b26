using System.Diagnostics;
using System.Security.Cryptography;
using ImageSearch.Core.Build.Calibration;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Index;

namespace ImageSearch.Core.Build.Evaluation;

/// <summary>
/// Searches every query photo against an indexed catalog and measures how often the answers are right: category
/// precision@k, exact-product recall@k, and how the top-1 scores fall around the threshold.
/// </summary>
public sealed class RetrievalEvaluator
{
    private const int Batch = 8;
    private readonly IImageEmbedder _embedder;

    public RetrievalEvaluator(IImageEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        _embedder = embedder;
    }

    /// <param name="mergedCategories">Sets of categories to count as one (e.g. Shirt, Blouse and Top) for the merged precision.</param>
    public EvaluationReport Evaluate(
        ProductCatalog catalog,
        IndexFile index,
        IReadOnlyList<QueryImage> queries,
        IReadOnlyList<int> k,
        double threshold = 0.70,
        IReadOnlyList<IReadOnlyList<string>>? mergedCategories = null,
        ScoreCalibration? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(k);
        if (k.Count == 0 || k.Any(x => x <= 0))
        {
            throw new ArgumentException("k must list positive numbers.", nameof(k));
        }

        index.Metadata.EnsureCompatibleWith(_embedder.Identity, index.Path);
        var stopwatch = Stopwatch.StartNew();
        var products = index.Vectors.Ids.Select(id => catalog.Find(id)
            ?? throw new IndexFormatException($"{index.Path} has product '{id}', which {catalog.Path} does not.")).ToArray();
        var projection = index.Metadata.Projection;
        var search = projection is null
            ? new VectorIndex(index.Vectors.Rows)
            : new VectorIndex(projection.ApplyAll(index.Vectors.Rows));
        var trainingPhotos = TrainingPhotos(index.Metadata);
        var excluded = 0;
        var merge = CategoryMerge.Of(mergedCategories);
        var maxK = k.Max();
        var withGroups = queries.Any(q => q.Group is not null) && products.Any(p => p.Group is not null);
        calibration ??= index.Metadata.ScoreCalibration ?? ScoreCalibration.Uncalibrated;
        var relevance = calibration.Label is "group" or "category" ? calibration.Label : withGroups ? "group" : "category";
        List<(double Predicted, bool Relevant)> rawPairs = [], calibratedPairs = [];
        int rawAny = 0, calibratedAny = 0, sameAny = 0, sameResults = 0, sameRelevant = 0;

        var failures = new List<FailedQuery>();
        var precision = k.ToDictionary(x => x, _ => 0.0);
        var mergedPrecision = k.ToDictionary(x => x, _ => 0.0);
        var recall = k.ToDictionary(x => x, _ => 0.0);
        List<float> top1 = [], top1Relevant = [], top1NotRelevant = [];
        int evaluated = 0, grouped = 0, aboveThreshold = 0;

        foreach (var (query, vector, failure) in Embed(queries, trainingPhotos))
        {
            if (failure == TrainingPhoto)
            {
                excluded++;
                continue;
            }

            if (vector is null)
            {
                failures.Add(new FailedQuery(query.Line, query.Id, failure!));
                continue;
            }

            var hits = search.Search(projection is null ? vector : projection.Apply(vector), maxK);
            evaluated++;
            var ranked = hits.Select(h => products[h.Row]).ToList();
            foreach (var cut in k)
            {
                precision[cut] += RetrievalMetrics.CategoryPrecisionAt(ranked, cut, query.Category);
                mergedPrecision[cut] += RetrievalMetrics.CategoryPrecisionAt(ranked, cut, query.Category, merge);
                if (withGroups && query.Group is not null)
                {
                    recall[cut] += RetrievalMetrics.GroupRecallAt(ranked, cut, query.Group);
                }
            }

            grouped += withGroups && query.Group is not null ? 1 : 0;
            bool anyRaw = false, anyCalibrated = false, anySame = false;
            foreach (var hit in hits)
            {
                var product = products[hit.Row];
                var relevant = relevance == "group"
                    ? query.Group is not null && product.Group == query.Group
                    : string.Equals(product.Category, query.Category, StringComparison.OrdinalIgnoreCase);
                var raw = Math.Clamp((double)hit.Score, 0, 1);
                var score = (double)calibration.Apply(hit.Score);
                rawPairs.Add((raw, relevant));
                calibratedPairs.Add((score, relevant));
                anyRaw |= raw >= threshold;
                anyCalibrated |= score >= threshold;
                if (calibration.IsSameProduct(hit.Score))
                {
                    anySame = true;
                    sameResults++;
                    sameRelevant += (withGroups ? query.Group is not null && product.Group == query.Group : product.Category == query.Category) ? 1 : 0;
                }
            }

            rawAny += anyRaw ? 1 : 0;
            calibratedAny += anyCalibrated ? 1 : 0;
            sameAny += anySame ? 1 : 0;
            if (hits.Count > 0)
            {
                var best = hits[0];
                top1.Add(best.Score);
                aboveThreshold += best.Score >= threshold ? 1 : 0;
                var relevant = withGroups && query.Group is not null
                    ? products[best.Row].Group == query.Group
                    : products[best.Row].Category == query.Category;
                (relevant ? top1Relevant : top1NotRelevant).Add(best.Score);
            }
        }

        Dictionary<int, double> Mean(Dictionary<int, double> sums, int count) =>
            sums.ToDictionary(p => p.Key, p => count > 0 ? Math.Round(p.Value / count, 4) : 0);

        return new EvaluationReport
        {
            Queries = evaluated,
            CatalogSize = index.Vectors.Count,
            K = k,
            CategoryPrecisionAtK = Mean(precision, evaluated),
            MergedCategoryPrecisionAtK = !merge.IsEmpty ? Mean(mergedPrecision, evaluated) : null,
            GroupRecallAtK = grouped > 0 ? Mean(recall, grouped) : null,
            Top1Score = ScoreDistribution.Of(top1) ?? new ScoreDistribution(0, 0, 0, 0, 0, 0, 0, 0, 0),
            Top1ScoreWhenRelevant = ScoreDistribution.Of(top1Relevant),
            Top1ScoreWhenNotRelevant = ScoreDistribution.Of(top1NotRelevant),
            Threshold = threshold,
            QueriesWithResultAboveThreshold = aboveThreshold,
            Calibration = new CalibrationReport(
                calibration.Kind,
                relevance,
                maxK,
                calibration.CosineAt((float)threshold),
                CalibrationQuality.Of(rawPairs),
                CalibrationQuality.Of(calibratedPairs),
                Cut(rawPairs, threshold, rawAny),
                Cut(calibratedPairs, threshold, calibratedAny),
                calibration.SameProductSimilarity is { } sameCut
                    ? new SameProductReport(sameCut, withGroups ? "group" : "category", sameResults, sameRelevant, sameAny)
                    : null),
            FailedQueries = failures,
            ExcludedTrainingPhotos = excluded,
            Seconds = Math.Round(stopwatch.Elapsed.TotalSeconds, 2),
        };
    }

    private static ThresholdCut Cut(List<(double Predicted, bool Relevant)> pairs, double threshold, int queriesWithAny) =>
        ThresholdCut.Of(pairs, threshold, queriesWithAny).Rounded(4);

    /// <summary>
    /// SHA-256 of every photo the index learned from at build time (its metric head's and its calibration's training
    /// queries): those are never evaluated, so the numbers are on photos the index has not seen.
    /// </summary>
    public static IReadOnlySet<string> TrainingPhotos(IndexMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new HashSet<string>(
            (metadata.Projection?.Training?.PhotoSha256 ?? []).Concat(metadata.ScoreCalibration?.Fit?.PhotoSha256 ?? []),
            StringComparer.OrdinalIgnoreCase);
    }

    private const string TrainingPhoto = "training photo";

    /// <summary>
    /// Embeds queries a batch at a time; a batch with a bad image is redone one by one to find it. A photo whose bytes
    /// are one of <paramref name="trainingPhotos"/> is not embedded but returned with the failure <see cref="TrainingPhoto"/>.
    /// </summary>
    private IEnumerable<(QueryImage Query, float[]? Vector, string? Failure)> Embed(IReadOnlyList<QueryImage> queries, IReadOnlySet<string> trainingPhotos)
    {
        for (var start = 0; start < queries.Count; start += Batch)
        {
            var chunk = queries.Skip(start).Take(Batch).ToList();
            var bytes = new List<ReadOnlyMemory<byte>>(chunk.Count);
            var readable = new List<QueryImage>(chunk.Count);
            foreach (var query in chunk)
            {
                if (File.Exists(query.ImagePath))
                {
                    var content = File.ReadAllBytes(query.ImagePath);
                    if (trainingPhotos.Count > 0 && trainingPhotos.Contains(Convert.ToHexStringLower(SHA256.HashData(content))))
                    {
                        yield return (query, null, TrainingPhoto);
                        continue;
                    }

                    bytes.Add(content);
                    readable.Add(query);
                }
                else
                {
                    yield return (query, null, $"image file not found: {query.ImagePath}");
                }
            }

            float[][]? vectors = null;
            try
            {
                vectors = _embedder.EmbedBatch(bytes);
            }
            catch (ImageDecodeException)
            {
                // Find which image it was: embed this batch one by one.
            }

            for (var i = 0; i < readable.Count; i++)
            {
                if (vectors is not null)
                {
                    yield return (readable[i], vectors[i], null);
                    continue;
                }

                float[]? vector = null;
                string? failure = null;
                try
                {
                    vector = _embedder.Embed(bytes[i].Span);
                }
                catch (ImageDecodeException e)
                {
                    failure = $"{e.Error.Describe()}: {e.Message}";
                }

                yield return (readable[i], vector, failure);
            }
        }
    }
}
