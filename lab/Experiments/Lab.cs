using System.Globalization;
using System.Numerics.Tensors;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>Retrieval numbers of one technique on the tuning and held-out halves, as a Markdown table row.</summary>
internal sealed class Lab(LabData data, CategoryMerge merge)
{
    public LabData Data => data;

    public string Header(string extra = "") => data.HasGroups
        ? $"| technique | tuning R@1 | tuning R@5 | held-out R@1 | held-out R@5 | held-out P@5 (category) |{extra}\n|---|---:|---:|---:|---:|---:|{(extra.Length > 0 ? "---:|" : "")}"
        : $"| technique | tuning P@5 strict | tuning P@5 merged | held-out P@5 strict | held-out P@5 merged | held-out P@1 strict |{extra}\n|---|---:|---:|---:|---:|---:|{(extra.Length > 0 ? "---:|" : "")}";

    /// <summary>One vector per product and per query.</summary>
    public string Row(string name, VectorRows catalog, VectorRows queries, string extra = "") =>
        Row(name, Gallery.Single(catalog), queries, extra);

    public string Row(string name, Gallery gallery, VectorRows queries, string extra = "") =>
        Row(name, i => gallery.Scores(queries.Row(i)), extra);

    /// <summary>A row from any scoring of the products for query i (higher is better).</summary>
    public string Row(string name, Func<int, float[]> scores, string extra = "")
    {
        var m = Measure(scores);
        string F(QueryHalf half, string key) => m[half][key].ToString("F3", CultureInfo.InvariantCulture);
        var tail = extra.Length > 0 ? $" {extra} |" : "";
        return data.HasGroups
            ? $"| {name} | {F(QueryHalf.Tuning, "R@1")} | {F(QueryHalf.Tuning, "R@5")} | {F(QueryHalf.HeldOut, "R@1")} | {F(QueryHalf.HeldOut, "R@5")} | {F(QueryHalf.HeldOut, "P@5")} |{tail}"
            : $"| {name} | {F(QueryHalf.Tuning, "P@5")} | {F(QueryHalf.Tuning, "P@5m")} | {F(QueryHalf.HeldOut, "P@5")} | {F(QueryHalf.HeldOut, "P@5m")} | {F(QueryHalf.HeldOut, "P@1")} |{tail}";
    }

    /// <summary>Mean R@1/5/10 (exact product), P@1/5/10 (category) and P@5 merged per half.</summary>
    public Dictionary<QueryHalf, Dictionary<string, double>> Measure(Func<int, float[]> scores)
    {
        var keys = new[] { "R@1", "R@5", "R@10", "P@1", "P@5", "P@10", "P@5m" };
        var sums = new[] { QueryHalf.Tuning, QueryHalf.HeldOut }.ToDictionary(h => h, _ => keys.ToDictionary(k => k, _ => 0.0));
        var counts = new Dictionary<QueryHalf, int> { [QueryHalf.Tuning] = 0, [QueryHalf.HeldOut] = 0 };
        var results = new int[data.Queries.Count][];
        Parallel.For(0, data.Queries.Count, i => results[i] = Top(scores(i), 10));
        for (var i = 0; i < data.Queries.Count; i++)
        {
            var query = data.Queries[i];
            var top = results[i].Select(r => data.Products[r]).ToArray();
            var s = sums[data.Halves[i]];
            counts[data.Halves[i]]++;
            foreach (var k in new[] { 1, 5, 10 })
            {
                s[$"R@{k}"] += RetrievalMetrics.GroupRecallAt(top, k, query.Group);
                s[$"P@{k}"] += RetrievalMetrics.CategoryPrecisionAt(top, k, query.Category);
            }

            s["P@5m"] += RetrievalMetrics.CategoryPrecisionAt(top, 5, query.Category, merge);
        }

        foreach (var (half, values) in sums)
        {
            foreach (var key in keys)
            {
                values[key] /= Math.Max(1, counts[half]);
            }
        }

        return sums;
    }

    /// <summary>Indexes of the k highest scores, best first (ties by index).</summary>
    public static int[] Top(float[] scores, int k) =>
        [.. Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k)];
}

/// <summary>Catalog vectors, several per product allowed: a product scores the best of its vectors (max over its crops, or its extra pictures).</summary>
internal sealed class Gallery(VectorRows rows, int[] productOfRow, int products)
{
    public int Dimension => rows.Dimension;

    /// <summary>One vector per product, in product order.</summary>
    public static Gallery Single(VectorRows catalog) =>
        new(catalog, [.. Enumerable.Range(0, catalog.Count)], catalog.Count);

    /// <summary>Every variant's vectors of every product (each variant a row per product).</summary>
    public static Gallery Variants(IReadOnlyList<VectorRows> variants)
    {
        var products = variants[0].Count;
        var owner = Enumerable.Range(0, variants.Count).SelectMany(_ => Enumerable.Range(0, products)).ToArray();
        return new Gallery(VectorRows.Concat(variants), owner, products);
    }

    /// <summary>The catalog plus extra vectors that belong to given products.</summary>
    public static Gallery WithExtras(VectorRows catalog, VectorRows extras, int[] productOfExtra) =>
        new(VectorRows.Concat(catalog, extras), [.. Enumerable.Range(0, catalog.Count), .. productOfExtra], catalog.Count);

    public float[] Scores(ReadOnlySpan<float> query)
    {
        var best = new float[products];
        Array.Fill(best, float.NegativeInfinity);
        for (var r = 0; r < productOfRow.Length; r++)
        {
            var s = TensorPrimitives.Dot(query, rows.Row(r));
            var p = productOfRow[r];
            best[p] = MathF.Max(best[p], s);
        }

        return best;
    }
}
