using System.Numerics.Tensors;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Learning;

public sealed class PrincipalAxesTests
{
    private const int Dimension = 12;

    [TestCase(200, TestName = "More rows than dimensions: the covariance is decomposed")]
    [TestCase(8, TestName = "Fewer rows than dimensions: the Gram matrix is decomposed")]
    public void The_axes_are_orthonormal_ordered_by_variance_and_reconstruct_the_covariance(int rows)
    {
        var random = new Random(3);
        var x = new float[rows * Dimension];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < Dimension; c++)
            {
                x[(r * Dimension) + c] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, -c * 0.5));
            }
        }

        var pca = PrincipalAxes.Of(new VectorRows(x, Dimension), Dimension);

        Assert.That(pca.Variances, Is.Ordered.Descending);

        // n centred rows span n − 1 directions: those axes are orthonormal; the rest (found in rounding noise, or
        // completed with unit directions of variance 0) carry no variance and no weight below.
        var real = Enumerable.Range(0, Dimension).Where(k => pca.Variances[k] > 1e-6 * pca.Variances[0]).ToList();
        Assert.That(real, Has.Count.EqualTo(Math.Min(rows - 1, Dimension)));
        Assert.That(Enumerable.Range(0, Dimension).Select(k => TensorPrimitives.Norm(pca.Axes.AsSpan(k * Dimension, Dimension))), Has.All.EqualTo(1f).Within(1e-4f));
        foreach (var i in real)
        {
            foreach (var j in real)
            {
                var dot = TensorPrimitives.Dot(pca.Axes.AsSpan(i * Dimension, Dimension), pca.Axes.AsSpan(j * Dimension, Dimension));
                Assert.That(dot, Is.EqualTo(i == j ? 1f : 0f).Within(1e-4f), $"axes {i}, {j}");
            }
        }

        // Σ λ_k u_k u_kᵀ is the covariance of the centred rows.
        for (var i = 0; i < Dimension; i++)
        {
            for (var j = 0; j < Dimension; j++)
            {
                var covariance = 0.0;
                for (var r = 0; r < rows; r++)
                {
                    covariance += (x[(r * Dimension) + i] - pca.Mean[i]) * (double)(x[(r * Dimension) + j] - pca.Mean[j]);
                }

                var reconstructed = Enumerable.Range(0, Dimension).Sum(k => pca.Variances[k] * pca.Axes[(k * Dimension) + i] * pca.Axes[(k * Dimension) + j]);
                Assert.That(reconstructed, Is.EqualTo(covariance / rows).Within(1e-5), $"({i},{j})");
            }
        }
    }
}
