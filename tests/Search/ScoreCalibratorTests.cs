using ImageSearch.Core.Build.Calibration;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using ImageSearch.Tests.Catalog;
using ImageSearch.Tests.Indexing;
using ImageSearch.Core.LinearAlgebra;
using ImageSearch.Core.Query.Embedding;

namespace ImageSearch.Tests.Search;

public sealed class ScoreCalibratorTests
{
    /// <summary>The known curve of the synthetic data: P(relevant | s) = σ(15 (s − 0.7)).</summary>
    private static double TrueProbability(double s) => 1 / (1 + Math.Exp(-15 * (s - 0.7)));

    private static List<(double Similarity, bool Relevant)> Synthetic(int n, int seed)
    {
        var random = new Random(seed);
        var data = new List<(double, bool)>(n);
        for (var i = 0; i < n; i++)
        {
            var s = 0.3 + (0.7 * random.NextDouble());
            data.Add((s, random.NextDouble() < TrueProbability(s)));
        }

        return data;
    }

    [TestCase(CalibrationMethod.Logistic, 0.03)]
    [TestCase(CalibrationMethod.Isotonic, 0.07)]
    public void A_known_probability_curve_is_recovered(CalibrationMethod method, double tolerance)
    {
        var data = Synthetic(20000, seed: 8);

        var calibration = method == CalibrationMethod.Logistic ? ScoreCalibrator.FitLogistic(data) : ScoreCalibrator.FitIsotonic(data);

        for (var s = 0.35; s <= 0.95; s += 0.05)
        {
            Assert.That(calibration.Apply((float)s), Is.EqualTo(TrueProbability(s)).Within(tolerance), $"{method} at cosine {s:F2}");
        }
    }

    [TestCase(CalibrationMethod.Logistic)]
    [TestCase(CalibrationMethod.Isotonic)]
    public void Calibrated_scores_are_monotone_in_similarity_and_within_0_to_1(CalibrationMethod method)
    {
        // Noisy, non-monotone raw frequencies: the fitted map must still never go down.
        var random = new Random(3);
        var data = Enumerable.Range(0, 3000).Select(_ =>
        {
            var s = random.NextDouble();
            return (s, random.NextDouble() < 0.3 + (0.4 * s) + (0.2 * Math.Sin(20 * s)));
        }).ToList();

        var calibration = method == CalibrationMethod.Logistic ? ScoreCalibrator.FitLogistic(data) : ScoreCalibrator.FitIsotonic(data);

        var previous = -1f;
        for (var i = -1000; i <= 1000; i++)
        {
            var score = calibration.Apply(i / 1000f);
            Assert.That(score, Is.InRange(0f, 1f));
            // Isotonic is strictly increasing (more similar: a higher score, never a tie); a logistic, whose slope may be 0, never goes down.
            Assert.That(score, method == CalibrationMethod.Isotonic ? Is.GreaterThan(previous) : Is.GreaterThanOrEqualTo(previous), $"at cosine {i / 1000.0}");
            previous = score;
        }
    }

    [Test]
    public void The_isotonic_map_interpolates_between_its_steps_and_goes_on_with_their_slope_beyond_them()
    {
        // Steps of the fit: 0.2 (one knot), 0.5 (three knots: one step), 0.9 (one knot).
        var calibration = new ScoreCalibration
        {
            Kind = ScoreCalibration.IsotonicKind,
            Label = "category",
            X = [0.2, 0.4, 0.5, 0.6, 0.8],
            Y = [0.2, 0.5, 0.5, 0.5, 0.9],
        };

        Assert.Multiple(() =>
        {
            Assert.That(calibration.Apply(0.2f), Is.EqualTo(0.2f).Within(1e-6f), "at the first step");
            Assert.That(calibration.Apply(0.5f), Is.EqualTo(0.5f).Within(1e-6f), "a step of three knots sits at its middle");
            Assert.That(calibration.Apply(0.8f), Is.EqualTo(0.9f).Within(1e-6f), "at the last step");
            Assert.That(calibration.Apply(0.35f), Is.EqualTo(0.35f).Within(1e-6f), "halfway between 0.2 at 0.2 and 0.5 at 0.5");
            Assert.That(calibration.Apply(0.45f), Is.LessThan(calibration.Apply(0.55f)), "no flat part inside a step");
            // Below the first step: 0.2·exp(5·(s − 0.2)), the slope 1 of the segment above it; above the last:
            // 1 − 0.1·exp(−13.3·(s − 0.8)), the slope 4/3 of the segment below it.
            Assert.That(calibration.Apply(0.1f), Is.EqualTo(0.2 * Math.Exp(-0.5)).Within(1e-6));
            Assert.That((calibration.Apply(0.2f) - calibration.Apply(0.199f)) / 0.001, Is.EqualTo(1).Within(0.01), "the slope goes on");
            Assert.That(calibration.Apply(-1f), Is.GreaterThan(0f).And.LessThan(0.001f));
            Assert.That(calibration.Apply(0.9f), Is.EqualTo(1 - (0.1 * Math.Exp(-4.0 / 3))).Within(1e-6));
            Assert.That(calibration.Apply(1f), Is.LessThan(1f).And.GreaterThan(0.99f));
        });
    }

    [TestCase(CalibrationMethod.Logistic)]
    [TestCase(CalibrationMethod.Isotonic)]
    public void On_the_leave_one_out_pairs_predictions_match_observed_frequencies_in_10_bins(CalibrationMethod method)
    {
        var (vectors, dimension, categories) = ClusteredCatalog(categories: 30, perCategory: 30, seed: 5);

        var calibration = ScoreCalibrator.Fit(new VectorRows(vectors, dimension), categories, new string?[categories.Length], new ScoreCalibratorOptions { Method = method });
        var pairs = ScoreCalibrator.LeaveOneOut(new VectorIndex(new VectorRows(vectors, dimension)), 10, 5000);
        var quality = CalibrationQuality.Of([.. pairs.Select(p => ((double)calibration.Apply(p.Similarity), categories[p.Query] == categories[p.Row]))]);

        Assert.That(calibration.Label, Is.EqualTo("category"));
        Assert.That((quality.Positives, quality.Count - quality.Positives), Is.GreaterThan((500, 500)), "both classes are well represented");
        Assert.That(quality.ExpectedCalibrationError, Is.LessThan(0.04));
        foreach (var bin in quality.Bins.Where(b => b.Count >= 100))
        {
            Assert.That(bin.Observed, Is.EqualTo(bin.MeanPredicted).Within(0.08), $"bin {bin.Lower:F1}–{bin.Upper:F1} ({bin.Count} pairs)");
        }

        Assert.That(calibration.Fit!.Pairs, Is.EqualTo(pairs.Count));
        Assert.That(calibration.Fit.ExpectedCalibrationError, Is.EqualTo(quality.ExpectedCalibrationError).Within(1e-4));
    }

    [Test]
    public void Leave_one_out_never_pairs_an_item_with_itself_and_samples_at_most_max_queries_deterministically()
    {
        var (vectors, dimension, _) = ClusteredCatalog(categories: 10, perCategory: 30, seed: 1);
        var index = new VectorIndex(new VectorRows(vectors, dimension));

        var all = ScoreCalibrator.LeaveOneOut(index, 5, 5000);
        var sample = ScoreCalibrator.LeaveOneOut(index, 5, 50);

        Assert.That(all, Has.Count.EqualTo(300 * 5));
        Assert.That(all.Any(p => p.Query == p.Row), Is.False);
        Assert.That(sample.Select(p => p.Query).Distinct().Count(), Is.EqualTo(50));
        Assert.That(ScoreCalibrator.LeaveOneOut(index, 5, 50), Is.EqualTo(sample));
    }

    [Test]
    public void Repeated_groups_make_the_label_same_product_and_set_the_same_product_cut_from_them()
    {
        // 200 products, each photographed twice (a near-duplicate), in 10 categories.
        var (vectors, dimension, categories) = ClusteredCatalog(categories: 10, perCategory: 20, seed: 2);
        var random = new Random(4);
        var twice = new float[vectors.Length * 2];
        var groups = new string?[categories.Length * 2];
        var categoriesTwice = new string[categories.Length * 2];
        for (var i = 0; i < categories.Length; i++)
        {
            for (var copy = 0; copy < 2; copy++)
            {
                var row = (2 * i) + copy;
                var v = twice.AsSpan(row * dimension, dimension);
                vectors.AsSpan(i * dimension, dimension).CopyTo(v);
                for (var d = 0; d < dimension; d++)
                {
                    v[d] += (float)(0.05 * Gaussian(random));
                }

                Normalize(v);
                groups[row] = $"P{i}";
                categoriesTwice[row] = categories[i];
            }
        }

        var calibration = ScoreCalibrator.Fit(new VectorRows(twice, dimension), categoriesTwice, groups);

        Assert.That(calibration.Label, Is.EqualTo("group"));
        Assert.That(calibration.SameProductBasis, Does.Contain("same group"));
        var pairs = ScoreCalibrator.LeaveOneOut(new VectorIndex(new VectorRows(twice, dimension)), 10, 5000);
        var flagged = pairs.Where(p => calibration.IsSameProduct(p.Similarity)).ToList();
        Assert.That(flagged, Is.Not.Empty);
        Assert.That(flagged.Count(p => groups[p.Query] == groups[p.Row]), Is.GreaterThanOrEqualTo(0.95 * flagged.Count));
    }

    [Test]
    public void A_catalog_without_categories_gets_the_percentile_logistic_fallback()
    {
        var (vectors, dimension, categories) = ClusteredCatalog(categories: 10, perCategory: 20, seed: 6);
        var blank = categories.Select(_ => string.Empty).ToArray();

        var calibration = ScoreCalibrator.Fit(new VectorRows(vectors, dimension), blank, new string?[blank.Length]);
        var single = ScoreCalibrator.Fit(new VectorRows(vectors, dimension), categories.Select(_ => "Everything").ToArray(), new string?[blank.Length]);

        var nearest = ScoreCalibrator.LeaveOneOut(new VectorIndex(new VectorRows(vectors, dimension)), 1, 5000).Select(p => (double)p.Similarity).Order().ToArray();
        var midpoint = nearest[(int)Math.Round(0.95 * (nearest.Length - 1))];
        Assert.That((calibration.Kind, calibration.Label), Is.EqualTo((ScoreCalibration.PercentileLogisticKind, "none")));
        Assert.That(calibration.A, Is.EqualTo(ScoreCalibrator.FallbackSlope));
        Assert.That(calibration.Apply((float)midpoint), Is.EqualTo(0.5f).Within(1e-3f));
        Assert.That(single.Kind, Is.EqualTo(ScoreCalibration.PercentileLogisticKind), "one category for everything teaches nothing either");
        Assert.That(calibration.SameProductSimilarity, Is.Not.Null, "every item its own product: a high percentile of nearest-neighbour cosines");
    }

    [TestCase(1)]
    [TestCase(2)]
    public void A_tiny_catalog_gets_the_fallback_and_its_metadata_is_still_valid_json(int rows)
    {
        var path = IndexFileTests.TempIndexPath();
        var (vectors, dimension, categories) = ClusteredCatalog(categories: rows, perCategory: 1, seed: 9);

        var calibration = ScoreCalibrator.Fit(new VectorRows(vectors, dimension), categories, new string?[rows]);
        TestIndexes.Write(path, [.. categories.Select((_, i) => $"P{i}")], vectors, dimension, calibration);

        Assert.That(calibration.Kind, Is.EqualTo(ScoreCalibration.PercentileLogisticKind));
        Assert.That(IndexFile.Load(path).Metadata.ScoreCalibration!.Kind, Is.EqualTo(ScoreCalibration.PercentileLogisticKind));
    }

    [Test]
    public void The_calibration_round_trips_through_the_index_metadata()
    {
        var path = IndexFileTests.TempIndexPath();
        var (vectors, dimension, categories) = ClusteredCatalog(categories: 10, perCategory: 20, seed: 7);
        var calibration = ScoreCalibrator.Fit(new VectorRows(vectors, dimension), categories, new string?[categories.Length], new ScoreCalibratorOptions { Method = CalibrationMethod.Isotonic });

        TestIndexes.Write(path, [.. categories.Select((_, i) => $"P{i}")], vectors, dimension, calibration);
        var loaded = IndexFile.Load(path).Metadata.ScoreCalibration!;

        Assert.That((loaded.Kind, loaded.Label, loaded.SameProductSimilarity, loaded.SameProductBasis), Is.EqualTo((calibration.Kind, calibration.Label, calibration.SameProductSimilarity, calibration.SameProductBasis)));
        Assert.That(loaded.X, Is.EqualTo(calibration.X));
        Assert.That(loaded.Y, Is.EqualTo(calibration.Y));
        Assert.That(loaded.Fit, Is.EqualTo(calibration.Fit));
        Assert.That(File.ReadAllText(IndexMetadata.PathFor(path)), Does.Contain("\"score_calibration\"").And.Contain("\"kind\": \"isotonic\""));
    }

    [Test]
    public void An_index_without_calibration_loads_and_searches_with_the_clamped_cosine()
    {
        var path = IndexFileTests.TempIndexPath();
        TestIndexes.Write(path, ["A", "B", "C"], [1f, 0f, 0.8f, 0.6f, -1f, 0f], 2, calibration: null);

        var index = IndexFile.Load(path);
        var service = new CatalogSnapshot(Catalog(["A", "B", "C"]), index);
        var matches = service.Search(QueryEmbedding.Features([1f, 0f]), new SearchRequest(10, 0f));

        Assert.That(File.ReadAllText(IndexMetadata.PathFor(path)), Does.Not.Contain("score_calibration"));
        Assert.That(service.Calibration.Kind, Is.EqualTo(ScoreCalibration.IdentityKind));
        Assert.That(matches.Select(m => (m.Product.Id, m.Score)), Is.EqualTo(new[] { ("A", 1f), ("B", 0.8f), ("C", 0f) }));
        Assert.That(matches.Any(m => m.SameProduct), Is.False);
    }

    [Test]
    public void The_threshold_filters_by_calibrated_score_and_each_match_carries_both_scores()
    {
        // σ(10 s − 8): cosine 1 → 0.881, 0.8 → 0.5, 0.6 → 0.119; near-duplicates from cosine 0.95.
        var calibration = new ScoreCalibration { Kind = ScoreCalibration.LogisticKind, Label = "category", A = 10, B = -8, SameProductSimilarity = 0.95 };
        var path = IndexFileTests.TempIndexPath();
        TestIndexes.Write(path, ["A", "B", "C"], [1f, 0f, 0.8f, 0.6f, 0.6f, 0.8f], 2, calibration);
        var service = new CatalogSnapshot(Catalog(["A", "B", "C"]), IndexFile.Load(path));

        var strict = service.Search(QueryEmbedding.Features([1f, 0f]), new SearchRequest(10, 0.6f));
        var loose = service.Search(QueryEmbedding.Features([1f, 0f]), new SearchRequest(10, 0.1f));

        Assert.That(strict.Select(m => m.Product.Id), Is.EqualTo(new[] { "A" }), "B's cosine 0.8 clears 0.6, but its score 0.5 does not");
        Assert.That(strict[0].Score, Is.EqualTo(0.881f).Within(1e-3f));
        Assert.That(strict[0].Similarity, Is.EqualTo(1f).Within(1e-6f));
        Assert.That(strict[0].SameProduct, Is.True);
        Assert.That(loose.Select(m => (m.Product.Id, m.SameProduct)), Is.EqualTo(new[] { ("A", true), ("B", false), ("C", false) }));
        Assert.That(loose.Select(m => m.Score), Is.Ordered.Descending);
        Assert.That(loose.Select(m => m.Similarity), Is.Ordered.Descending);
    }

    /// <summary>Unit vectors around random category centres, noisy enough that categories overlap.</summary>
    internal static (float[] Vectors, int Dimension, string[] Categories) ClusteredCatalog(int categories, int perCategory, int seed)
    {
        const int dimension = 24;
        var random = new Random(seed);
        var centres = Enumerable.Range(0, categories).Select(_ =>
        {
            var c = Enumerable.Range(0, dimension).Select(_ => (float)Gaussian(random)).ToArray();
            Normalize(c);
            return c;
        }).ToArray();
        var vectors = new float[categories * perCategory * dimension];
        var labels = new string[categories * perCategory];
        for (var i = 0; i < labels.Length; i++)
        {
            var category = i % categories;
            labels[i] = $"C{category}";
            var v = vectors.AsSpan(i * dimension, dimension);
            for (var d = 0; d < dimension; d++)
            {
                v[d] = centres[category][d] + (float)(0.22 * Gaussian(random));
            }

            Normalize(v);
        }

        return (vectors, dimension, labels);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static void Normalize(Span<float> v)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(v, v));
        for (var d = 0; d < v.Length; d++)
        {
            v[d] /= norm;
        }
    }

    private static ProductCatalog Catalog(string[] ids) => CatalogReader.Read(CatalogReaderTests.Write(
        "id,name,category,price,image_url\n" + string.Concat(ids.Select(id => $"{id},{id} name,Hat,1,{id}.jpg\n"))));
}
