using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using ImageSearch.Core.LinearAlgebra;
using ImageSearch.Core.Query.Embedding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.Core.Build.Learning;

/// <summary>A trained head and the rows of its training set it held back for validation (never trained on).</summary>
public sealed record TrainedMetricHead(LinearProjection Projection, IReadOnlyList<int> ValidationRows);

/// <summary>
/// Trains a learned metric head, a linear projection W (d × input) on frozen embeddings, at build time: full-batch
/// Adam on a <see cref="MetricLoss"/> over cosines of <c>normalize(W·(x − mean))</c>, starting from (and regularised
/// toward) the PCA projection of the training vectors, stopped early on the mean average precision of a validation
/// split of the training data (never of anything evaluated later).
/// </summary>
public static class MetricHeadTrainer
{
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-8f;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when no row has a match to learn from. A set larger than
    /// <see cref="MetricHeadOptions.MaxTrainingRows"/> is sampled first (every photo, then catalog rows evenly spaced),
    /// which bounds the time and memory training takes whatever the catalog's size.
    /// </summary>
    public static TrainedMetricHead Train(MetricTrainingSet set, MetricHeadOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        options ??= new MetricHeadOptions();
        if (set.Count <= options.MaxTrainingRows)
        {
            return TrainAll(set, options, logger ?? NullLogger.Instance, cancellationToken);
        }

        var photos = Enumerable.Range(0, set.Count).Where(i => !set.IsCatalog[i]).ToArray();
        var catalog = Enumerable.Range(0, set.Count).Where(i => set.IsCatalog[i]).ToArray();
        var photoRows = Spaced(photos, Math.Min(photos.Length, options.MaxTrainingRows / 2));
        var rows = photoRows.Concat(Spaced(catalog, options.MaxTrainingRows - photoRows.Length)).Order().ToArray();
        var position = rows.Select((row, i) => (row, i)).ToDictionary(p => p.row, p => p.i);
        var subset = new MetricTrainingSet(set.Vectors.Gather(rows),
            [.. rows.Select(r => set.Labels[r])], [.. rows.Select(r => set.IsCatalog[r])], set.LabelName,
            set.ViewOf is null ? null : [.. rows.Select(r => set.IsView(r) ? position.GetValueOrDefault(set.ViewOf[r], -1) : -1)]);
        var trained = TrainAll(subset, options, logger ?? NullLogger.Instance, cancellationToken);
        return trained with { ValidationRows = [.. trained.ValidationRows.Select(r => rows[r])] };
    }

    private static int[] Spaced(int[] rows, int count) =>
        count >= rows.Length ? rows : [.. Enumerable.Range(0, count).Select(i => rows[(int)((long)i * rows.Length / count)])];

    private static TrainedMetricHead TrainAll(MetricTrainingSet set, MetricHeadOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var inputs = set.Dimension;
        var n = set.Count;
        if (set.Vectors.Count != n || set.IsCatalog.Count != n)
        {
            throw new ArgumentException($"{n} labels need {n} rows of {inputs} and {n} catalog flags.", nameof(set));
        }

        if (options.Dimension <= 0 || options.Dimension >= inputs)
        {
            throw new ArgumentException($"A metric head makes fewer dimensions than the {inputs} it takes; {options.Dimension} is not.", nameof(options));
        }

        var random = new Random(options.Seed);
        var validation = ChooseValidation(set, options.ValidationShare, random);

        // A view of a held-back catalog item would teach the head that item: leave it out altogether.
        var train = Enumerable.Range(0, n).Where(i => !validation[i] && !(set.IsView(i) && validation[set.ViewOf![i]])).ToArray();
        var candidates = train.Where(i => set.IsCatalog[i]).ToArray();
        var labelsWithCandidates = candidates.Where(i => set.Labels[i] >= 0).GroupBy(i => set.Labels[i]).ToDictionary(g => g.Key, g => g.Count());
        bool HasMatch(int i, bool isCandidate) =>
            set.Labels[i] >= 0 && labelsWithCandidates.TryGetValue(set.Labels[i], out var count) && count > (isCandidate ? 1 : 0);
        var anchors = train.Where(i => HasMatch(i, set.IsCatalog[i])).ToArray();
        var validationAnchors = Spaced([.. Enumerable.Range(0, n).Where(i => validation[i] && HasMatch(i, false))], options.MaxValidationRows);
        if (anchors.Length == 0)
        {
            throw new ArgumentException($"No training row shares its {set.LabelName} with a catalog item: there is nothing to learn.", nameof(set));
        }

        // Centre on the training rows' mean; W₀ = their top principal axes (scaled by the init shrinkage).
        var d = options.Dimension;
        var pca = PrincipalAxes.Of(set.Vectors.Gather(train), d);
        var mean = pca.Mean;
        var centred = new float[n * inputs];
        for (var i = 0; i < n; i++)
        {
            TensorPrimitives.Subtract(set.Vectors.Row(i), mean, centred.AsSpan(i * inputs, inputs));
        }

        var x = new VectorRows(centred, n, inputs);
        var w0 = InitialProjection(pca, inputs, d, options.InitShrinkage);
        var scale = MeanNorm(x.Gather(train), w0, d);
        TensorPrimitives.Divide(w0, scale > 0 ? scale : 1, w0);
        var before = validationAnchors.Length > 0 ? ValidationMap(x, w0, d, candidates, validationAnchors, set.Labels) : double.NaN;
        var problem = new Problem(x, d, w0, anchors, candidates, validationAnchors, set.Labels, options);

        // Training goes on with the random that chose the validation rows.
        var head = TrainHead(problem, random, before, logger, cancellationToken);

        var training = new ProjectionTraining(
            Describe(options),
            set.LabelName,
            candidates.Length,
            train.Count(i => !set.IsCatalog[i] && !set.IsView(i)),
            validationAnchors.Length,
            head.Epochs,
            head.BestEpoch,
            Math.Round(before, 4),
            Math.Round(head.Map, 4),
            Math.Round(stopwatch.Elapsed.TotalSeconds, 2))
        {
            AugmentedViews = set.ViewOf is null ? null : train.Count(set.IsView),
        };
        return new TrainedMetricHead(LinearProjection.Create(mean, head.Weights, d, training), [.. Enumerable.Range(0, n).Where(i => validation[i])]);
    }

    /// <summary>What the head trains on: centred inputs, the start W₀ (d rows of the inputs' width), and the rows' roles.</summary>
    private sealed record Problem(VectorRows X, int D, float[] W0, int[] Anchors, int[] Candidates, int[] ValidationAnchors, IReadOnlyList<int> Labels, MetricHeadOptions Options);

    /// <summary>The trained W: the best epoch's weights (by validation mAP), that mAP, and the epochs run.</summary>
    private sealed record Head(float[] Weights, double Map, int BestEpoch, int Epochs);

    private static Head TrainHead(Problem p, Random random, double before, ILogger logger, CancellationToken cancellationToken)
    {
        var (x, d, w0, options) = (p.X, p.D, p.W0, p.Options);
        var w = (float[])w0.Clone();
        var w0Norm = TensorPrimitives.SumOfSquares(w0);
        var best = (Map: before, Epoch: 0, Weights: (float[])w.Clone());
        var adamM = new float[w.Length];
        var adamV = new float[w.Length];
        var gradient = new float[w.Length];
        var epoch = 0;
        while (epoch < options.MaxEpochs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            epoch++;
            var stepAnchors = Sample(p.Anchors, options.MaxAnchorsPerStep, random);
            var stepCandidates = Sample(p.Candidates, options.MaxCandidatesPerStep, random);
            var loss = Gradient(x, w, d, stepAnchors, stepCandidates, p.Labels, options, gradient);

            // Regularisation toward the initial projection, then one Adam step.
            var lambda = 2 * options.Regularization / w0Norm;
            for (var i = 0; i < w.Length; i++)
            {
                var g = gradient[i] + (lambda * (w[i] - w0[i]));
                adamM[i] = (Beta1 * adamM[i]) + ((1 - Beta1) * g);
                adamV[i] = (Beta2 * adamV[i]) + ((1 - Beta2) * g * g);
            }

            var step = options.LearningRate * MathF.Sqrt(1 - MathF.Pow(Beta2, epoch)) / (1 - MathF.Pow(Beta1, epoch));
            for (var i = 0; i < w.Length; i++)
            {
                w[i] -= step * adamM[i] / (MathF.Sqrt(adamV[i]) + Epsilon);
            }

            if (p.ValidationAnchors.Length == 0)
            {
                best = (double.NaN, epoch, w);
                continue;
            }

            var map = ValidationMap(x, w, d, p.Candidates, p.ValidationAnchors, p.Labels);
            if (epoch % 10 == 0)
            {
                logger.LogInformation("Metric head epoch {Epoch}: loss {Loss:F4}, validation mAP {Map:F4}", epoch, loss, map);
            }

            if (map > best.Map + 1e-6)
            {
                best = (map, epoch, (float[])w.Clone());
            }
            else if (epoch - best.Epoch >= options.Patience)
            {
                break;
            }
        }

        return new Head(best.Weights, best.Map, best.Epoch, epoch);
    }

    /// <summary>The loss and optimiser settings in words, as stored with a trained head (<see cref="ProjectionTraining.Loss"/>).</summary>
    public static string Describe(MetricHeadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loss = options.Loss == MetricLoss.Softmax
            ? string.Create(CultureInfo.InvariantCulture, $"softmax (supervised contrastive) over catalog items, temperature {options.Temperature}")
            : string.Create(CultureInfo.InvariantCulture, $"batch-hard triplet, margin {options.Margin}");
        return string.Create(CultureInfo.InvariantCulture,
            $"{loss}; d {options.Dimension}, Adam lr {options.LearningRate}, regularisation {options.Regularization} toward PCA (init shrinkage {options.InitShrinkage}), at most {options.MaxEpochs} epochs, patience {options.Patience}, validation share {options.ValidationShare}, seed {options.Seed}");
    }

    /// <summary>
    /// A stratified share of the labelled query photos (when there are at least 20), else of the catalog items whose label
    /// has at least one other catalog item, else (every catalog item its own label) of the augmented views; chosen so
    /// every label keeps a row in training.
    /// </summary>
    private static bool[] ChooseValidation(MetricTrainingSet set, double share, Random random)
    {
        var validation = new bool[set.Count];
        if (share <= 0)
        {
            return validation;
        }

        var labelled = Enumerable.Range(0, set.Count).Where(i => set.Labels[i] >= 0).ToArray();
        var queries = labelled.Where(i => !set.IsCatalog[i] && !set.IsView(i)).ToArray();
        Stratify(queries.Length >= 20 ? queries : [.. labelled.Where(i => set.IsCatalog[i])], set.Labels, share, random, validation);
        if (!validation.Contains(true))
        {
            Stratify([.. labelled.Where(set.IsView)], set.Labels, share, random, validation);
        }

        return validation;
    }

    private static void Stratify(int[] pool, IReadOnlyList<int> labels, double share, Random random, bool[] validation)
    {
        foreach (var group in pool.GroupBy(i => labels[i]))
        {
            var rows = group.ToArray();
            random.Shuffle(rows);
            var take = Math.Min(rows.Length - 1, (int)Math.Round(rows.Length * share));
            foreach (var row in rows.Take(take))
            {
                validation[row] = true;
            }
        }
    }

    private static float[] InitialProjection(PrincipalAxes pca, int inputs, int d, float shrinkage)
    {
        var w = (float[])pca.Axes.Clone();
        for (var j = 0; j < d; j++)
        {
            var scale = float.IsPositiveInfinity(shrinkage) ? 1 : 1 / Math.Sqrt(pca.Variances[j] + (shrinkage * pca.MeanVariance) + 1e-12);
            TensorPrimitives.Multiply(w.AsSpan(j * inputs, inputs), (float)scale, w.AsSpan(j * inputs, inputs));
        }

        return w;
    }

    /// <summary>The mean length of the rows' projections through <paramref name="w"/> (<paramref name="d"/> rows of their width).</summary>
    private static float MeanNorm(VectorRows rows, float[] w, int d)
    {
        var count = rows.Count;
        var u = new float[count * d];
        DenseMath.MultiplyTransposed(rows.Array, count, w, d, rows.Dimension, u);
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += TensorPrimitives.Norm(u.AsSpan(i * d, d));
        }

        return (float)(sum / Math.Max(count, 1));
    }

    /// <summary>Writes dLoss/dW into <paramref name="gradient"/> and returns the loss.</summary>
    private static double Gradient(VectorRows x, float[] w, int d, int[] anchors, int[] candidates, IReadOnlyList<int> labels, MetricHeadOptions options, float[] gradient)
    {
        // Every row that takes part, once: its centred input, projection u, and unit z.
        var rows = anchors.Concat(candidates).Distinct().ToArray();
        var position = new Dictionary<int, int>(rows.Length);
        for (var r = 0; r < rows.Length; r++)
        {
            position[rows[r]] = r;
        }

        var inputs = x.Dimension;
        var xr = x.Gather(rows).Array;
        var u = new float[rows.Length * d];
        DenseMath.MultiplyTransposed(xr, rows.Length, w, d, inputs, u);
        var norms = new float[rows.Length];
        var z = new float[u.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            norms[r] = Math.Max(TensorPrimitives.Norm(u.AsSpan(r * d, d)), 1e-12f);
            TensorPrimitives.Divide(u.AsSpan(r * d, d), norms[r], z.AsSpan(r * d, d));
        }

        int a = anchors.Length, c = candidates.Length;
        var za = Gather(z, [.. anchors.Select(i => position[i])], d);
        var zc = Gather(z, [.. candidates.Select(i => position[i])], d);
        var s = new float[a * c];
        DenseMath.MultiplyTransposed(za, a, zc, c, d, s);

        var ds = new float[a * c];
        var losses = new double[a];
        Parallel.For(0, a, i => losses[i] = options.Loss == MetricLoss.Softmax
            ? Softmax(s.AsSpan(i * c, c), ds.AsSpan(i * c, c), anchors[i], candidates, labels, options.Temperature)
            : Triplet(s.AsSpan(i * c, c), ds.AsSpan(i * c, c), anchors[i], candidates, labels, options.Margin));
        TensorPrimitives.Divide(ds, a, ds);

        // dZ: anchors get dS·Zc, candidates dSᵀ·Za; a row that is both gets both.
        var dza = new float[a * d];
        DenseMath.Multiply(ds, a, c, zc, d, dza);
        var dzc = new float[c * d];
        DenseMath.Multiply(DenseMath.Transpose(ds, a, c), c, a, za, d, dzc);
        var dz = new float[rows.Length * d];
        for (var i = 0; i < a; i++)
        {
            var target = dz.AsSpan(position[anchors[i]] * d, d);
            TensorPrimitives.Add(target, dza.AsSpan(i * d, d), target);
        }

        for (var j = 0; j < c; j++)
        {
            var target = dz.AsSpan(position[candidates[j]] * d, d);
            TensorPrimitives.Add(target, dzc.AsSpan(j * d, d), target);
        }

        // Through the normalisation: dU = (dZ − z(z·dZ)) / ‖u‖; then dW = dUᵀ·X.
        for (var r = 0; r < rows.Length; r++)
        {
            var g = dz.AsSpan(r * d, d);
            var zr = z.AsSpan(r * d, d);
            TensorPrimitives.MultiplyAdd(zr, -TensorPrimitives.Dot(zr, g), g, g);
            TensorPrimitives.Divide(g, norms[r], g);
        }

        DenseMath.Multiply(DenseMath.Transpose(dz, rows.Length, d), d, rows.Length, xr, inputs, gradient);
        return losses.Average();
    }

    private static double Softmax(ReadOnlySpan<float> s, Span<float> ds, int anchor, int[] candidates, IReadOnlyList<int> labels, float temperature)
    {
        var label = labels[anchor];
        var max = float.NegativeInfinity;
        for (var j = 0; j < s.Length; j++)
        {
            max = candidates[j] != anchor ? MathF.Max(max, s[j]) : max;
        }

        double sum = 0, positiveLogits = 0;
        var positives = 0;
        for (var j = 0; j < s.Length; j++)
        {
            if (candidates[j] == anchor)
            {
                continue;
            }

            var e = Math.Exp((s[j] - max) / temperature);
            ds[j] = (float)e;
            sum += e;
            if (labels[candidates[j]] == label)
            {
                positives++;
                positiveLogits += (s[j] - max) / temperature;
            }
        }

        if (positives == 0)
        {
            ds.Clear();
            return 0;
        }

        for (var j = 0; j < s.Length; j++)
        {
            var target = candidates[j] != anchor && labels[candidates[j]] == label ? 1.0 / positives : 0;
            ds[j] = candidates[j] == anchor ? 0 : (float)(((ds[j] / sum) - target) / temperature);
        }

        return Math.Log(sum) - (positiveLogits / positives);
    }

    private static double Triplet(ReadOnlySpan<float> s, Span<float> ds, int anchor, int[] candidates, IReadOnlyList<int> labels, float margin)
    {
        var label = labels[anchor];
        int hardestPositive = -1, hardestNegative = -1;
        for (var j = 0; j < s.Length; j++)
        {
            if (candidates[j] == anchor)
            {
                continue;
            }

            if (labels[candidates[j]] == label)
            {
                hardestPositive = hardestPositive < 0 || s[j] < s[hardestPositive] ? j : hardestPositive;
            }
            else
            {
                hardestNegative = hardestNegative < 0 || s[j] > s[hardestNegative] ? j : hardestNegative;
            }
        }

        if (hardestPositive < 0 || hardestNegative < 0)
        {
            return 0;
        }

        var loss = margin - s[hardestPositive] + s[hardestNegative];
        if (loss <= 0)
        {
            return 0;
        }

        ds[hardestPositive] = -1;
        ds[hardestNegative] = 1;
        return loss;
    }

    /// <summary>Mean average precision of the validation rows ranking the training catalog items.</summary>
    private static double ValidationMap(VectorRows x, float[] w, int d, int[] candidates, int[] validation, IReadOnlyList<int> labels)
    {
        var zc = Project(x.Gather(candidates), w, d);
        var zv = Project(x.Gather(validation), w, d);
        var s = new float[validation.Length * candidates.Length];
        DenseMath.MultiplyTransposed(zv, validation.Length, zc, candidates.Length, d, s);
        var ap = new double[validation.Length];
        Parallel.For(0, validation.Length, v =>
        {
            var scores = s.AsSpan(v * candidates.Length, candidates.Length).ToArray();
            var order = Enumerable.Range(0, candidates.Length).ToArray();
            Array.Sort(scores.Select(score => -score).ToArray(), order);
            double hits = 0, sum = 0;
            for (var rank = 0; rank < order.Length; rank++)
            {
                if (labels[candidates[order[rank]]] == labels[validation[v]])
                {
                    hits++;
                    sum += hits / (rank + 1);
                }
            }

            ap[v] = hits > 0 ? sum / hits : 0;
        });
        return ap.Average();
    }

    /// <summary>The rows through <paramref name="w"/>, normalised: a working matrix of <paramref name="d"/> columns for <see cref="DenseMath"/>.</summary>
    private static float[] Project(VectorRows rows, float[] w, int d)
    {
        var count = rows.Count;
        var z = new float[count * d];
        DenseMath.MultiplyTransposed(rows.Array, count, w, d, rows.Dimension, z);
        for (var r = 0; r < count; r++)
        {
            var row = z.AsSpan(r * d, d);
            var norm = TensorPrimitives.Norm(row);
            if (norm > 0)
            {
                TensorPrimitives.Divide(row, norm, row);
            }
        }

        return z;
    }

    private static int[] Sample(int[] rows, int max, Random random)
    {
        if (rows.Length <= max)
        {
            return rows;
        }

        var copy = (int[])rows.Clone();
        random.Shuffle(copy);
        return copy[..max];
    }

    /// <summary>Rows of a working matrix (<paramref name="dimension"/> columns), in the given order.</summary>
    private static float[] Gather(float[] source, int[] rows, int dimension)
    {
        var output = new float[rows.Length * dimension];
        for (var r = 0; r < rows.Length; r++)
        {
            source.AsSpan(rows[r] * dimension, dimension).CopyTo(output.AsSpan(r * dimension, dimension));
        }

        return output;
    }
}
