using System.Globalization;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// The metric head trained on the catalog plus K augmented views of every catalog photo (<see cref="AugmentationPresets"/>
/// presets): each view is one more anchor with its item's label (clothing: category; grocery: the exact product, so
/// views of one product are its only positives), the catalog photos alone are what anchors are matched against.
/// No query photo is trained on; settings are to be chosen on the tuning half.
/// </summary>
internal static class AugmentPlan
{
    public static void Run(Lab lab, VariantEmbedder embedder, IReadOnlyList<string> paths, IReadOnlyList<string> presets, IReadOnlyList<int> counts, MetricHeadOptions options, string? only)
    {
        var data = lab.Data;
        var catalog = data.Catalog["centre"];
        var queries = data.QueryVectors["centre"];
        var labels = data.HasGroups ? new[] { "group", "category" } : ["category"];
        embedder.UseBackgrounds(paths);
        Console.WriteLine(lab.Header(" validation mAP before → after (best/epochs, s) |"));
        Console.WriteLine(lab.Row("plain (no projection)", catalog, queries, "—"));
        foreach (var label in labels)
        {
            Report(lab, $"head by {label}, no views", WithViews(data, label, [], 0), options, only);
        }

        foreach (var preset in presets)
        {
            var names = AugmentationPresets.Names(preset, counts.Max());
            var started = DateTime.UtcNow;
            var views = embedder.Embed(paths, names);
            Console.Error.WriteLine($"  {preset}: {names.Length} views ready in {(DateTime.UtcNow - started).TotalSeconds:F0} s");
            foreach (var count in counts)
            {
                foreach (var label in labels)
                {
                    var chosen = names.Take(count).Select(n => views[n]).ToArray();
                    var trained = Report(lab, $"head by {label}, {count} views '{preset}'", WithViews(data, label, chosen, count), options, only);
                    if (trained is not null)
                    {
                        // Catalog side only: each product as the mean of its photo and its views, in the head's space.
                        var head = trained.Projection;
                        var projected = new[] { head.ApplyAll(catalog) }.Concat(chosen.Select(head.ApplyAll)).ToArray();
                        var projectedQueries = head.ApplyAll(queries);
                        Console.WriteLine(lab.Row($"… catalog = mean(photo, its {count} views) in the head's space", CropPlan.Mean(projected), projectedQueries));
                        if (count > 2)
                        {
                            Console.WriteLine(lab.Row($"… catalog = mean(photo, its first 2 views) in the head's space", CropPlan.Mean(projected[..3]), projectedQueries));
                        }
                    }
                }
            }
        }
    }

    /// <summary>Trains one head and prints its row; null when <paramref name="only"/> filters it out.</summary>
    public static TrainedMetricHead? Report(Lab lab, string name, MetricTrainingSet set, MetricHeadOptions options, string? only)
    {
        if (only is not null && !name.Contains(only, StringComparison.Ordinal))
        {
            return null;
        }

        TrainedMetricHead trained;
        try
        {
            trained = MetricHeadTrainer.Train(set, options);
        }
        catch (ArgumentException e)
        {
            Console.WriteLine($"| {name} | — | — | — | — | — | {e.Message} |");
            return null;
        }

        var head = trained.Projection;
        var t = head.Training!;
        var extra = string.Create(CultureInfo.InvariantCulture, $"{t.ValidationMapBefore:F3} → {t.ValidationMapAfter:F3} ({t.BestEpoch}/{t.Epochs}, {t.Seconds:F0} s)");
        Console.WriteLine(lab.Row(name, head.ApplyAll(lab.Data.Catalog["centre"]), head.ApplyAll(lab.Data.QueryVectors["centre"]), extra));
        return trained;
    }

    /// <summary>The catalog (by <paramref name="label"/>) and each view of each item as an anchor with the item's label.</summary>
    public static MetricTrainingSet WithViews(LabData data, string label, IReadOnlyList<VectorRows> views, int count)
    {
        var n = data.Products.Length;
        var names = data.Products.Select(p => label == "group" ? p.Group ?? p.Id : p.Category).ToArray();
        var encoded = MetricTrainingSet.Encode(names);
        var vectors = VectorRows.Concat([data.Catalog["centre"], .. views.Take(count)]);
        var rows = n + (n * count);
        return new MetricTrainingSet(vectors,
            [.. Enumerable.Range(0, rows).Select(r => encoded[r % n])],
            [.. Enumerable.Range(0, rows).Select(r => r < n)],
            label,
            count == 0 ? null : [.. Enumerable.Range(0, rows).Select(r => r < n ? -1 : r % n)]);
    }
}
