using System.Numerics.Tensors;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Search;

public sealed class QuantizationTests
{
    [TestCase(1)]
    [TestCase(31)]
    [TestCase(64)]
    [TestCase(100)]
    [TestCase(1280)]
    public unsafe void Int8_dot_products_equal_the_scalar_sum_at_every_length(int length)
    {
        var random = new Random(length);
        var codes = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var weights = Enumerable.Range(0, length).Select(_ => (short)random.Next(-Int8Dot.MaxQueryWeight, Int8Dot.MaxQueryWeight + 1)).ToArray();
        var expected = codes.Zip(weights, (c, w) => c * w).Sum();

        fixed (sbyte* c = codes)
        fixed (short* w = weights)
        {
            Assert.That(Int8Dot.Dot(c, w, length), Is.EqualTo(expected));
        }
    }

    [Test]
    public void The_candidate_heap_keeps_the_best_scores_and_prefers_the_lower_row_on_ties()
    {
        var heap = new CandidateHeap(3);
        foreach (var (score, row) in new[] { (5, 0), (-2, 1), (9, 2), (5, 3), (7, 4), (5, 5), (-100, 6) })
        {
            heap.Offer(score, row);
        }

        var kept = heap.ToSortedKeys().Select(k => (CandidateHeap.ScoreOf(k), CandidateHeap.RowOf(k)));

        Assert.That(kept, Is.EqualTo(new[] { (9, 2), (7, 4), (5, 0) }));
    }

    [Test]
    public unsafe void Codes_scored_against_query_weights_rank_rows_like_the_cosine()
    {
        const int dimension = 64;
        var vectors = SyntheticVectors.Clustered(2000, dimension, clusters: 10, noise: 0.7f, seed: 11);
        var quantizer = VectorQuantizer.Train(new VectorRows(vectors, dimension));
        var coarse = new sbyte[2000 * 16];
        var residual = new sbyte[2000 * 48];
        quantizer.Encode(new VectorRows(vectors, dimension), 16, coarse, residual);
        var query = vectors.AsSpan(5 * dimension, dimension).ToArray();
        var weights = new short[dimension];
        quantizer.Weights(query, weights);

        var approximate = new double[2000];
        var exact = new double[2000];
        fixed (sbyte* c = coarse, r = residual)
        fixed (short* w = weights)
        {
            for (var row = 0; row < 2000; row++)
            {
                approximate[row] = Int8Dot.Dot(c + (row * 16), w, 16) + Int8Dot.Dot(r + (row * 48), w + 16, 48);
                exact[row] = TensorPrimitives.Dot(query, vectors.AsSpan(row * dimension, dimension));
            }
        }

        Assert.That(Correlation(approximate, exact), Is.GreaterThan(0.999));
    }

    [Test]
    public void The_principal_axes_are_orthonormal_and_ordered_by_variance()
    {
        const int dimension = 32;
        var vectors = SyntheticVectors.Clustered(3000, dimension, clusters: 5, noise: 0.5f, seed: 12);
        var quantizer = VectorQuantizer.Train(new VectorRows(vectors, dimension));
        var axes = quantizer.Axes.ToArray();

        for (var i = 0; i < dimension; i++)
        {
            for (var j = 0; j < dimension; j++)
            {
                Assert.That(TensorPrimitives.Dot(axes.AsSpan(i * dimension, dimension), axes.AsSpan(j * dimension, dimension)), Is.EqualTo(i == j ? 1f : 0f).Within(1e-4f));
            }
        }

        // Larger variance → larger range → larger code step.
        Assert.That(quantizer.Scales[0], Is.GreaterThan(quantizer.Scales[dimension - 1]));
    }

    private static double Correlation(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        var cov = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return cov / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }
}
