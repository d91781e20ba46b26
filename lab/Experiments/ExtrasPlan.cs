using System.Numerics.Tensors;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.LinearAlgebra;

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
                Gallery.WithExtras(catalog, queries.Gather(extras), [.. extras.Select(i => owner[i])]), queries));

            var head = MetricHeadTrainer.Train(HeadPlan.WithQueries(data, tuning, "group"), headOptions).Projection;
            var hc = head.ApplyAll(catalog);
            var hq = head.ApplyAll(queries);
            Console.WriteLine(lab.Row($"head (b) d={head.OutputDimension}", hc, hq));
            Console.WriteLine(lab.Row($"head (b) d={head.OutputDimension} + tuning photos as extra pictures",
                Gallery.WithExtras(hc, hq.Gather(extras), [.. extras.Select(i => owner[i])]), hq));
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
        var spaces = new List<(string Name, VectorRows Catalog, VectorRows Queries)> { ("plain", catalog, queries) };
        if (!data.HasGroups)
        {
            foreach (var (name, set) in new[] { ("head (a)", HeadPlan.CatalogOnly(data, "category")), ("head (b)", HeadPlan.WithQueries(data, tuning, "category")) })
            {
                var head = MetricHeadTrainer.Train(set, headOptions).Projection;
                spaces.Add(($"{name} d={head.OutputDimension}", head.ApplyAll(catalog), head.ApplyAll(queries)));
                Console.WriteLine(lab.Row(spaces[^1].Name, spaces[^1].Catalog, spaces[^1].Queries));
            }
        }

        foreach (var (space, beta) in spaces.SelectMany(s => Betas.Select(b => (s, b))))
        {
            var gallery = Gallery.Single(space.Catalog);
            Console.WriteLine(lab.Row($"{space.Name}, category-vote re-ranking, β={beta}", i =>
            {
                var scores = gallery.Scores(space.Queries.Row(i));
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
                mean[j] += set.Vectors.Row(i)[j] / labelled.Length;
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
                    classMean[j] += set.Vectors.Row(i)[j] / rows.Length;
                }
            }

            for (var j = 0; j < d; j++)
            {
                between[j] += rows.Length * (classMean[j] - mean[j]) * (classMean[j] - mean[j]);
                foreach (var i in rows)
                {
                    var x = set.Vectors.Row(i)[j] - classMean[j];
                    within[j] += x * x;
                }
            }
        }

        var meanWithin = within.Average();
        return [.. Enumerable.Range(0, d).Select(j => (float)Math.Sqrt(between[j] / (within[j] + (shrinkage * meanWithin))))];
    }

    private static VectorRows Scale(VectorRows vectors, float[] weights)
    {
        var d = vectors.Dimension;
        var output = new float[vectors.Values.Length];
        for (var r = 0; r < vectors.Count; r++)
        {
            var row = output.AsSpan(r * d, d);
            TensorPrimitives.Multiply(vectors.Row(r), weights, row);
            var norm = TensorPrimitives.Norm(row);
            TensorPrimitives.Divide(row, norm > 0 ? norm : 1, row);
        }

        return new VectorRows(output, d);
    }
}
