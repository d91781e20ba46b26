using System.Globalization;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// The learned metric head (<see cref="MetricHeadTrainer"/>), trained (a) on the catalog alone with its labels, or
/// (b) on the catalog plus the tuning half of the query photos with theirs, and scored on both halves; (b)'s tuning
/// numbers are therefore in-sample, and only its held-out numbers count. Baselines: the untrained initial projection
/// and whitening learned on the same vectors.
/// </summary>
internal static class HeadPlan
{
    /// <param name="single">When set, this one configuration instead of the grid.</param>
    public static void Run(Lab lab, string? only, MetricHeadOptions? single = null)
    {
        var data = lab.Data;
        var catalog = data.Catalog["centre"];
        var queries = data.QueryVectors["centre"];
        Console.WriteLine(lab.Header(" validation mAP before → after (epochs, s) |"));
        Console.WriteLine(lab.Row("plain (no projection)", catalog, queries, "—"));

        var label = data.HasGroups ? "group" : "category";
        var tuning = data.QueriesOf(QueryHalf.Tuning);
        var sets = new List<(string Name, MetricTrainingSet Set)>
        {
            ($"(a) catalog, {(data.HasGroups ? "category" : "category")}", CatalogOnly(data, data.HasGroups ? "category" : "category")),
            ("(a) catalog crops as positives", CatalogCrops(data)),
            ($"(b) catalog + tuning photos, {label}", WithQueries(data, tuning, label)),
        };

        foreach (var (setName, set) in sets)
        {
            foreach (var (configName, options) in single is null ? Grid() : [(Describe(single), single)])
            {
                var name = $"{setName}, {configName}";
                if (only is not null && !name.Contains(only, StringComparison.Ordinal))
                {
                    continue;
                }

                LinearProjection head;
                try
                {
                    head = MetricHeadTrainer.Train(set, options).Projection;
                }
                catch (ArgumentException e)
                {
                    Console.WriteLine($"| {name} | — | — | — | — | — | {e.Message} |");
                    continue;
                }

                var t = head.Training!;
                var extra = string.Create(CultureInfo.InvariantCulture, $"{t.ValidationMapBefore:F3} → {t.ValidationMapAfter:F3} ({t.BestEpoch}/{t.Epochs}, {t.Seconds:F0} s)");
                Console.WriteLine(lab.Row(name, head.ApplyAll(catalog), head.ApplyAll(queries), extra));
            }
        }

        if (only is null || only.Contains("whiten", StringComparison.Ordinal))
        {
            // Whitening learned on the same vectors as (a), the catalog, and as (b), catalog plus tuning photos.
            var withPhotos = VectorRows.Concat(catalog, queries.Gather(tuning));
            foreach (var (learnedOn, rows) in new[] { ("catalog", catalog), ("catalog + tuning photos", withPhotos) })
            {
                var pca = VectorPostprocessor.ComputePca(rows);
                foreach (var shrinkage in new[] { 0.1f, 1f, 3f })
                {
                    foreach (var dims in new int?[] { null, 256 })
                    {
                        var w = VectorPostprocessor.FromPca(pca, new PostprocessOptions { Shrinkage = shrinkage, Dimensions = dims });
                        Console.WriteLine(lab.Row($"whitened on {learnedOn}, s={shrinkage}{(dims is null ? "" : $" d={dims}")}", w.ApplyAll(catalog), w.ApplyAll(queries), "—"));
                    }
                }
            }
        }
    }

    private static string Describe(MetricHeadOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"d={o.Dimension}, {(o.Loss == MetricLoss.Softmax ? $"softmax τ={o.Temperature}" : $"triplet m={o.Margin}")}, lr={o.LearningRate}, λ={o.Regularization}, ≤{o.MaxEpochs} epochs");

    private static IEnumerable<(string Name, MetricHeadOptions Options)> Grid()
    {
        foreach (var d in new[] { 128, 256, 512 })
        {
            yield return ($"d={d}, PCA only (untrained)", new MetricHeadOptions { Dimension = d, MaxEpochs = 0 });
            yield return ($"d={d}, softmax τ=0.05", new MetricHeadOptions { Dimension = d, Temperature = 0.05f });
            yield return ($"d={d}, softmax τ=0.1", new MetricHeadOptions { Dimension = d, Temperature = 0.1f });
            yield return ($"d={d}, triplet m=0.1", new MetricHeadOptions { Dimension = d, Loss = MetricLoss.Triplet, Margin = 0.1f });
        }
    }

    public static MetricTrainingSet CatalogOnly(LabData data, string label)
    {
        var labels = MetricTrainingSet.Encode(data.Products.Select(p => label == "group" ? p.Group : p.Category));
        return new MetricTrainingSet(data.Catalog["centre"], labels, [.. labels.Select(_ => true)], label);
    }

    /// <summary>Every embedded crop of every catalog image, labelled with its product: positives are other crops of the same photo.</summary>
    public static MetricTrainingSet CatalogCrops(LabData data)
    {
        var crops = data.Catalog.Keys.ToArray();
        var vectors = VectorRows.Concat([.. crops.Select(c => data.Catalog[c])]);
        var labels = crops.SelectMany(_ => Enumerable.Range(0, data.Products.Length)).ToArray();
        return new MetricTrainingSet(vectors, labels, [.. labels.Select(_ => true)], "product");
    }

    /// <summary>The catalog and the given query photos, labelled by group (the exact product) or category.</summary>
    public static MetricTrainingSet WithQueries(LabData data, int[] queryRows, string label)
    {
        var vectors = VectorRows.Concat(data.Catalog["centre"], data.QueryVectors["centre"].Gather(queryRows));
        var names = data.Products.Select(p => label == "group" ? p.Group : p.Category)
            .Concat(queryRows.Select(i => label == "group" ? data.Queries[i].Group : data.Queries[i].Category));
        var labels = MetricTrainingSet.Encode(names);
        return new MetricTrainingSet(vectors, labels, [.. Enumerable.Range(0, labels.Length).Select(i => i < data.Products.Length)], label);
    }
}
