using System.Numerics.Tensors;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Build.Learning;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// Cheap techniques beside the head: the tuning photos as extra reference vectors of their product (max over a
/// product's vectors), per-dimension re-weighting by a Fisher ratio learned from labels (a diagonal metric), and
/// re-ranking by a category vote of the nearest neighbours.
/// </summary>
internal static class ExtrasPlan
{
    private static readonly float[] Betas = [0.02f, 0.05f, 0.1f, 0.2f];

    public static void Run(Lab lab, MetricHeadOptions headOptions)
    {
        var data = lab.Data;
        var d = data.Dimension;
        var n = data.Products.Length;
        var catalog = data.Catalog["centre"];
        var queries = data.QueryVectors["centre"];
        var tuning = data.QueriesOf(QueryHalf.Tuning);
        Console.WriteLine(lab.Header());
        Console.WriteLine(lab.Row("plain", catalog, queries));

        if (data.HasGroups)
        {
            // (b') The tuning photos themselves as more pictures of their product: a product scores its best picture.
            var owner = data.ProductOfQuery();
            var extras = tuning.Where(i => owner[i] >= 0).ToArray();
            Console.WriteLine(lab.Row("tuning photos as extra pictures of their product (max over pictures)",
                Gallery.WithExtras(catalog, n, CalibrationPlan.Rows(queries, extras, d), [.. extras.Select(i => owner[i])]), queries));

            var head = MetricHeadTrainer.Train(HeadPlan.WithQueries(data, tuning, "group"), headOptions).Projection;
            var hc = head.ApplyAll(catalog);
            var hq = head.ApplyAll(queries);
            Console.WriteLine(lab.Row($"head (b) d={head.OutputDimension}", hc, hq));
            Console.WriteLine(lab.Row($"head (b) d={head.OutputDimension} + tuning photos as extra pictures",
                Gallery.WithExtras(hc, n, CalibrationPlan.Rows(hq, extras, head.OutputDimension), [.. extras.Select(i => owner[i])]), hq));
        }

        // Diagonal metric: each dimension scaled by √(between-class / within-class variance), learned from labels.
        var label = data.HasGroups ? "group" : "category";
        foreach (var (name, set) in new[]
        {
            ("catalog, category", HeadPlan.CatalogOnly(data, "category")),
            ($"catalog + tuning photos, {label}", HeadPlan.WithQueries(data, tuning, label)),
        })
        {
            foreach (var shrink in new[] { 0.1, 1.0 })
            {
                var weights = FisherWeights(set, shrink);
                Console.WriteLine(lab.Row($"dimensions re-weighted by Fisher ratio ({name}, shrinkage {shrink})", Scale(catalog, weights), Scale(queries, weights)));
            }
        }

        // Category vote: a product's score gains β × the softmax-weighted share of the query's 20 nearest items in its category.
        var categories = data.Products.Select(p => p.Category).ToArray();
        var spaces = new List<(string Name, float[] Catalog, float[] Queries, int Dimension)> { ("plain", catalog, queries, d) };
        if (!data.HasGroups)
        {
            foreach (var (name, set) in new[] { ("head (a)", HeadPlan.CatalogOnly(data, "category")), ("head (b)", HeadPlan.WithQueries(data, tuning, "category")) })
            {
                var head = MetricHeadTrainer.Train(set, headOptions).Projection;
                spaces.Add(($"{name} d={head.OutputDimension}", head.ApplyAll(catalog), head.ApplyAll(queries), head.OutputDimension));
                Console.WriteLine(lab.Row(spaces[^1].Name, spaces[^1].Catalog, spaces[^1].Queries));
            }
        }

        foreach (var (space, beta) in spaces.SelectMany(s => Betas.Select(b => (s, b))))
        {
            var gallery = Gallery.Single(space.Catalog, n);
            Console.WriteLine(lab.Row($"{space.Name}, category-vote re-ranking, β={beta}", i =>
            {
                var scores = gallery.Scores(space.Queries.AsSpan(i * space.Dimension, space.Dimension));
                var vote = new Dictionary<string, float>(StringComparer.Ordinal);
                var total = 0f;
                foreach (var r in Lab.Top(scores, 20))
                {
                    var w = MathF.Exp(scores[r] / 0.05f - scores.Max() / 0.05f);
                    vote[categories[r]] = vote.GetValueOrDefault(categories[r]) + w;
                    total += w;
                }

                return [.. scores.Select((s, r) => s + beta * vote.GetValueOrDefault(categories[r]) / total)];
            }));
        }
    }

    private static float[] FisherWeights(MetricTrainingSet set, double shrinkage)
    {
        var d = set.Dimension;
        var labelled = Enumerable.Range(0, set.Count).Where(i => set.Labels[i] >= 0).ToArray();
        var mean = new double[d];
        var within = new double[d];
        var between = new double[d];
        foreach (var i in labelled)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += set.Vectors[i * d + j] / labelled.Length;
            }
        }

        foreach (var group in labelled.GroupBy(i => set.Labels[i]))
        {
            var rows = group.ToArray();
            var classMean = new double[d];
            foreach (var i in rows)
            {
                for (var j = 0; j < d; j++)
                {
                    classMean[j] += set.Vectors[i * d + j] / rows.Length;
                }
            }

            for (var j = 0; j < d; j++)
            {
                between[j] += rows.Length * (classMean[j] - mean[j]) * (classMean[j] - mean[j]);
                foreach (var i in rows)
                {
                    var x = set.Vectors[i * d + j] - classMean[j];
                    within[j] += x * x;
                }
            }
        }

        var meanWithin = within.Average();
        return [.. Enumerable.Range(0, d).Select(j => (float)Math.Sqrt(between[j] / (within[j] + (shrinkage * meanWithin))))];
    }

    private static float[] Scale(float[] vectors, float[] weights)
    {
        var d = weights.Length;
        var output = new float[vectors.Length];
        for (var r = 0; r < vectors.Length; r += d)
        {
            TensorPrimitives.Multiply(vectors.AsSpan(r, d), weights, output.AsSpan(r, d));
            var norm = TensorPrimitives.Norm(output.AsSpan(r, d));
            TensorPrimitives.Divide(output.AsSpan(r, d), norm > 0 ? norm : 1, output.AsSpan(r, d));
        }

        return output;
    }
}
