using ImageSearch.Lab;
using ImageSearch.Core.Build.Learning;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// Re-ranking in the head's space, never measured there before: category-vote re-ranking (<see cref="VotePlan"/>),
/// query expansion and database-side augmentation, on the head trained without views and with K views of one preset.
/// </summary>
internal static class AugmentRerankPlan
{
    public static void Run(Lab lab, VariantEmbedder embedder, IReadOnlyList<string> paths, string preset, int count, MetricHeadOptions options)
    {
        var data = lab.Data;
        var categories = data.Products.Select(p => p.Category).ToArray();
        embedder.UseBackgrounds(paths);
        var names = AugmentationPresets.Names(preset, count);
        var views = embedder.Embed(paths, names);
        var label = data.HasGroups ? "group" : "category";
        Console.WriteLine(lab.Header(" validation mAP before → after (best/epochs, s) |"));
        var heads = new[]
        {
            ("head by category, no views", AugmentPlan.WithViews(data, "category", [], 0)),
            ($"head by {label}, {count} views '{preset}'", AugmentPlan.WithViews(data, label, [.. names.Select(v => views[v])], count)),
        };
        foreach (var (name, set) in heads)
        {
            var trained = AugmentPlan.Report(lab, name, set, options, null);
            if (trained is null)
            {
                continue;
            }

            var head = trained.Projection;
            var catalog = head.ApplyAll(data.Catalog["centre"]);
            var queries = head.ApplyAll(data.QueryVectors["centre"]);
            var gallery = Gallery.Single(catalog);
            foreach (var k in new[] { 10, 20, 50 })
            {
                foreach (var beta in new[] { 0.2f, 0.5f, 1f, 5f })
                {
                    Console.WriteLine(lab.Row($"{name}, category vote k={k}, β={beta}", i => VotePlan.Rerank(gallery.Scores(queries.Row(i)), categories, k, beta)));
                }
            }

            foreach (var k in new[] { 1, 2, 3 })
            {
                Console.WriteLine(lab.Row($"{name}, query expansion k={k}", catalog, ExperimentCommand.QueryExpansion(catalog, queries, k)));
            }

            foreach (var k in new[] { 1, 2, 3 })
            {
                var augmented = ExperimentCommand.DatabaseAugmentation(catalog, k);
                Console.WriteLine(lab.Row($"{name}, database augmentation k={k}", augmented, queries));
                if (k == 1)
                {
                    Console.WriteLine(lab.Row($"{name}, database augmentation k=1 + query expansion k=1", augmented, ExperimentCommand.QueryExpansion(augmented, queries, 1)));
                }
            }
        }
    }
}
