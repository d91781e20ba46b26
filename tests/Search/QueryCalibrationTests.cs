using System.Numerics.Tensors;
using ImageSearch.Core.Build.Calibration;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Search;

/// <summary>
/// Calibration fitted on labelled query photos (<see cref="ScoreCalibrator.FitOnQueries"/>): a catalog of one shot per
/// product, and queries that are noisy photos of its products (like store photos of studio shots).
/// </summary>
public sealed class QueryCalibrationTests
{
    private const int Dimension = 16;
    private const int Products = 60;

    private static readonly float[] Catalog = Vectors(Products, seed: 1, around: null, noise: 1);
    private static readonly string[] Categories = [.. Enumerable.Range(0, Products).Select(i => $"C{i % 6}")];
    private static readonly string?[] Groups = [.. Enumerable.Range(0, Products).Select(i => $"G{i}")];

    /// <summary>Photos of each product: its vector plus noise, so a photo's own product is near but not at cosine 1.</summary>
    private static (float[] Vectors, string[] Categories, string?[] Groups) Photos(int perProduct, int seed)
    {
        var vectors = Vectors(Products * perProduct, seed, Catalog, noise: 0.9);
        var rows = Enumerable.Range(0, Products * perProduct).Select(i => i % Products).ToArray();
        return (vectors, [.. rows.Select(r => Categories[r])], [.. rows.Select(r => Groups[r])]);
    }

    [Test]
    public void Fitted_on_training_photos_the_score_matches_how_often_fresh_photos_find_their_product()
    {
        var (training, trainingCategories, trainingGroups) = Photos(perProduct: 3, seed: 2);
        var (fresh, _, freshGroups) = Photos(perProduct: 3, seed: 3);

        var onPhotos = ScoreCalibrator.FitOnQueries(Rows(Catalog), Categories, Groups, Rows(training), trainingCategories, trainingGroups)!;
        var onCatalog = ScoreCalibrator.Fit(Rows(Catalog), Categories, Groups);

        Assert.That((onPhotos.Label, onPhotos.Fit!.Source), Is.EqualTo(("group", "training queries")));
        Assert.That(onCatalog.Fit!.Source, Is.EqualTo("catalog leave-one-out"));
        var photoError = SameProductError(onPhotos, fresh, freshGroups);
        var catalogError = SameProductError(onCatalog, fresh, freshGroups);
        Assert.That(photoError, Is.LessThan(0.08), "fresh photos' top-10 pairs, binned: predicted vs observed");
        Assert.That(photoError, Is.LessThan(catalogError / 2), "the catalog alone never sees a photo of its own products");
    }

    [Test]
    public void Photos_whose_labels_match_nothing_in_the_catalog_give_no_calibration()
    {
        var (photos, _, _) = Photos(perProduct: 1, seed: 4);
        var unknown = Enumerable.Range(0, Products).Select(i => $"X{i}").ToArray();

        var fit = ScoreCalibrator.FitOnQueries(Rows(Catalog), Categories, Groups, Rows(photos), unknown, [.. unknown.Select(u => (string?)u)]);

        Assert.That(fit, Is.Null);
    }

    [Test]
    public void Catalog_items_used_as_queries_never_pair_with_themselves()
    {
        int[] held = [.. Enumerable.Range(0, Products).Where(i => i % 3 == 0)];
        var vectors = Rows(Catalog).Gather(held);

        var fit = ScoreCalibrator.FitOnQueries(Rows(Catalog), Categories, Groups, vectors,
            [.. held.Select(r => Categories[r])], [.. held.Select(r => Groups[r])], catalogRowOfQuery: held)!;

        Assert.That(fit.Fit!.Source, Is.EqualTo("held-back catalog items"));
        Assert.That(fit.Fit.Pairs, Is.EqualTo(held.Length * 10));
        Assert.That(fit.Label, Is.EqualTo("category"), "no item shares its group with another: only categories to learn");
        Assert.That(fit.Apply(1f), Is.LessThan(0.9f), "a self-pair at cosine 1 would have taught it that 1 means certain");
    }

    /// <summary>Expected calibration error of P(same product) over the top-10 pairs of <paramref name="photos"/>.</summary>
    private static double SameProductError(ScoreCalibration calibration, float[] photos, string?[] groups)
    {
        var index = new VectorIndex(Rows(Catalog));
        var pairs = new List<(double, bool)>();
        for (var q = 0; q < groups.Length; q++)
        {
            foreach (var hit in index.Search(photos.AsSpan(q * Dimension, Dimension), 10))
            {
                pairs.Add((calibration.Apply(hit.Score), Groups[hit.Row] == groups[q]));
            }
        }

        return CalibrationQuality.Of(pairs).ExpectedCalibrationError;
    }

    private static VectorRows Rows(float[] vectors) => new(vectors, Dimension);

    private static float[] Vectors(int count, int seed, float[]? around, double noise)
    {
        var random = new Random(seed);
        var vectors = new float[count * Dimension];
        for (var i = 0; i < count; i++)
        {
            var row = vectors.AsSpan(i * Dimension, Dimension);
            for (var j = 0; j < Dimension; j++)
            {
                var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                row[j] = (around is null ? 0 : around[(i % Products * Dimension) + j]) + (float)(noise * gaussian / Math.Sqrt(Dimension));
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        return vectors;
    }
}
