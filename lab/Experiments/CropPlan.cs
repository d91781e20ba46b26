using System.Numerics.Tensors;
using ImageSearch.Core.Query.Inference;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// Multi-crop at index time: each catalog image embedded in several views (<see cref="ImageViews"/>), either averaged
/// into one vector per product or kept as several with a product scoring its best view. Queries stay one centre crop
/// (a second view would double the query's embedding time).
/// </summary>
internal static class CropPlan
{
    public static readonly string[] CatalogViews = ImageViews.All;

    public static readonly string[] QueryViews = ["centre", "flip", "short", "zoom"];

    private static readonly (string Name, string[] Views)[] Combinations =
    [
        ("centre + flip", ["centre", "flip"]),
        ("centre + short", ["centre", "short"]),
        ("centre + zoom", ["centre", "zoom"]),
        ("centre + pad", ["centre", "pad"]),
        ("centre + short + zoom", ["centre", "short", "zoom"]),
        ("centre + flip + short + zoom", ["centre", "flip", "short", "zoom"]),
        ("centre + 4 corners", ["centre", "tl", "tr", "bl", "br"]),
        ("centre + pad + squash", ["centre", "pad", "squash"]),
        ("all 10 views", ImageViews.All),
    ];

    public static void Run(Lab lab)
    {
        var data = lab.Data;
        var queries = data.QueryVectors["centre"];
        Console.WriteLine(lab.Header());
        foreach (var view in CatalogViews)
        {
            Console.WriteLine(lab.Row($"catalog = {view} only", data.Catalog[view], queries));
        }

        foreach (var (name, views) in Combinations)
        {
            Console.WriteLine(lab.Row($"catalog = mean({name})", Mean([.. views.Select(v => data.Catalog[v])]), queries));
            Console.WriteLine(lab.Row($"catalog = max over ({name})", Gallery.Views([.. views.Select(v => data.Catalog[v])]), queries));
        }

        var twoViewQueries = Mean([data.QueryVectors["centre"], data.QueryVectors["flip"]]);
        Console.WriteLine(lab.Row("query = mean(centre, flip), catalog = centre", data.Catalog["centre"], twoViewQueries));
        Console.WriteLine(lab.Row("query = mean(centre, flip), catalog = mean(centre, flip)", Mean([data.Catalog["centre"], data.Catalog["flip"]]), twoViewQueries));
        foreach (var view in QueryViews.Skip(2))
        {
            Console.WriteLine(lab.Row($"query = {view}, catalog = centre", data.Catalog["centre"], data.QueryVectors[view]));
            Console.WriteLine(lab.Row($"query = {view}, catalog = {view}", data.Catalog[view], data.QueryVectors[view]));
            Console.WriteLine(lab.Row($"query = mean(centre, {view}), catalog = centre", data.Catalog["centre"], Mean([data.QueryVectors["centre"], data.QueryVectors[view]])));
        }
    }

    /// <summary>The normalised mean of several row-aligned sets of vectors.</summary>
    public static VectorRows Mean(IReadOnlyList<VectorRows> sets)
    {
        var dimension = sets[0].Dimension;
        var output = new float[sets[0].Values.Length];
        foreach (var set in sets)
        {
            TensorPrimitives.Add(output, set.Values.Span, output);
        }

        for (var r = 0; r < output.Length; r += dimension)
        {
            FeatureExtractor.Normalize(output.AsSpan(r, dimension));
        }

        return new VectorRows(output, dimension);
    }
}
