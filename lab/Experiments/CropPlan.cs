using System.Numerics.Tensors;
using ImageSearch.Core.Query.Inference;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// Multi-crop: each catalog image embedded in several crops (<see cref="PhotoVariants"/>), either averaged into one
/// vector per product or kept as several with a product scoring its best crop; and test-time crops of the query photos.
/// The engine's queries stay one centre crop (a second would double the query's embedding time).
/// </summary>
internal static class CropPlan
{
    public static readonly string[] CatalogCrops = PhotoVariants.Crops;

    /// <summary>The test-time crops of the query photos that the plan compares.</summary>
    public static readonly string[] QueryCrops = ["centre", "flip", "short", "zoom"];

    private static readonly (string Name, string[] Crops)[] Combinations =
    [
        ("centre + flip", ["centre", "flip"]),
        ("centre + short", ["centre", "short"]),
        ("centre + zoom", ["centre", "zoom"]),
        ("centre + pad", ["centre", "pad"]),
        ("centre + short + zoom", ["centre", "short", "zoom"]),
        ("centre + flip + short + zoom", ["centre", "flip", "short", "zoom"]),
        ("centre + 4 corners", ["centre", "tl", "tr", "bl", "br"]),
        ("centre + pad + squash", ["centre", "pad", "squash"]),
        ("all 10 crops", PhotoVariants.Crops),
    ];

    public static void Run(Lab lab)
    {
        var data = lab.Data;
        var queries = data.QueryVectors["centre"];
        Console.WriteLine(lab.Header());
        foreach (var crop in CatalogCrops)
        {
            Console.WriteLine(lab.Row($"catalog = {crop} only", data.Catalog[crop], queries));
        }

        foreach (var (name, crops) in Combinations)
        {
            Console.WriteLine(lab.Row($"catalog = mean({name})", Mean([.. crops.Select(c => data.Catalog[c])]), queries));
            Console.WriteLine(lab.Row($"catalog = max over ({name})", Gallery.Variants([.. crops.Select(c => data.Catalog[c])]), queries));
        }

        var twoCropQueries = Mean([data.QueryVectors["centre"], data.QueryVectors["flip"]]);
        Console.WriteLine(lab.Row("query = mean(centre, flip), catalog = centre", data.Catalog["centre"], twoCropQueries));
        Console.WriteLine(lab.Row("query = mean(centre, flip), catalog = mean(centre, flip)", Mean([data.Catalog["centre"], data.Catalog["flip"]]), twoCropQueries));
        foreach (var crop in QueryCrops.Skip(2))
        {
            Console.WriteLine(lab.Row($"query = {crop}, catalog = centre", data.Catalog["centre"], data.QueryVectors[crop]));
            Console.WriteLine(lab.Row($"query = {crop}, catalog = {crop}", data.Catalog[crop], data.QueryVectors[crop]));
            Console.WriteLine(lab.Row($"query = mean(centre, {crop}), catalog = centre", data.Catalog["centre"], Mean([data.QueryVectors["centre"], data.QueryVectors[crop]])));
        }
    }

    /// <summary>The normalised mean of several row-aligned sets of vectors (a photo's crops, or its augmented views).</summary>
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
