using ImageSearch.Core.Build.Learning;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// Category-vote re-ranking, as a search could do it: the query's top 50 products by cosine are re-scored with
/// <c>cosine + β · share</c>, where share is the softmax-weighted (temperature 0.05) share of its k nearest products
/// that are in the product's category; the rest keep their order below them. β and k are to be chosen on the tuning half.
/// </summary>
internal static class VotePlan
{
    private const int Candidates = 50;
    private static readonly int[] Neighbours = [10, 20, 50];
    private static readonly float[] Betas = [0.1f, 0.2f, 0.5f, 1f, 5f];

    public static void Run(Lab lab, MetricHeadOptions headOptions)
    {
        var data = lab.Data;
        var catalog = data.Catalog["centre"];
        var queries = data.QueryVectors["centre"];
        var categories = data.Products.Select(p => p.Category).ToArray();
        var head = MetricHeadTrainer.Train(HeadPlan.CatalogOnly(data, "category"), headOptions).Projection;
        Console.WriteLine(lab.Header());
        foreach (var (name, c, q) in new[]
        {
            ("plain", catalog, queries),
            ($"head (a) d={head.OutputDimension}", head.ApplyAll(catalog), head.ApplyAll(queries)),
        })
        {
            var gallery = Gallery.Single(c);
            Console.WriteLine(lab.Row(name, c, q));
            foreach (var k in Neighbours)
            {
                foreach (var beta in Betas)
                {
                    Console.WriteLine(lab.Row($"{name}, category vote k={k}, β={beta}", i => Rerank(gallery.Scores(q.Row(i)), categories, k, beta)));
                }
            }
        }
    }

    public static float[] Rerank(float[] scores, string[] categories, int k, float beta)
    {
        var ranked = Lab.Top(scores, Math.Max(Candidates, k));
        var top = scores[ranked[0]];
        var vote = new Dictionary<string, float>(StringComparer.Ordinal);
        var total = 0f;
        foreach (var r in ranked.Take(k))
        {
            var w = MathF.Exp((scores[r] - top) / 0.05f);
            vote[categories[r]] = vote.GetValueOrDefault(categories[r]) + w;
            total += w;
        }

        // Candidates re-scored above everything else; the others keep their cosine order below.
        var output = scores.Select(s => s - 10f).ToArray();
        foreach (var r in ranked.Take(Candidates))
        {
            output[r] = scores[r] + (beta * vote.GetValueOrDefault(categories[r]) / total);
        }

        return output;
    }
}
