using System.Numerics.Tensors;
using ImageSearch.Lab;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Lab;

public sealed class VectorPostprocessorTests
{
    private const int Dimension = 12;

    [Test]
    public void Outputs_are_unit_length()
    {
        var catalog = Correlated(200, seed: 1);
        var post = VectorPostprocessor.Fit(catalog, new PostprocessOptions { Power = 0.5f, Shrinkage = 0.1f });

        var output = post.ApplyAll(Correlated(20, seed: 2));

        for (var r = 0; r < 20; r++)
        {
            Assert.That(TensorPrimitives.Norm(output.Row(r)), Is.EqualTo(1f).Within(1e-5f));
        }
    }

    [Test]
    public void Full_whitening_makes_the_catalog_covariance_isotropic()
    {
        var catalog = Correlated(500, seed: 4);
        var post = VectorPostprocessor.Fit(catalog, new PostprocessOptions { Shrinkage = 0 });
        var pca = VectorPostprocessor.ComputePca(post.ApplyAll(catalog));

        // After whitening (and the final L2), the variance is spread evenly: no axis dominates as before.
        var before = VectorPostprocessor.ComputePca(catalog).Eigenvalues;
        Assert.That(before[0] / before[^1], Is.GreaterThan(100));
        Assert.That(pca.Eigenvalues[0] / pca.Eigenvalues[^2], Is.LessThan(3));
    }

    [Test]
    public void Whitening_learned_on_a_catalog_is_applied_to_queries_the_same_way()
    {
        var catalog = Correlated(300, seed: 5);
        var post = VectorPostprocessor.Fit(catalog, new PostprocessOptions { Power = 0.5f, Shrinkage = 0.3f, Dimensions = 8 });

        Assert.That(post.OutputDimension, Is.EqualTo(8));
        Assert.That(post.ApplyAll(catalog).Row(0).ToArray(), Is.EqualTo(Apply(post, catalog.Row(0).ToArray())), "catalog rows go through the same Apply");
    }

    [Test]
    public void Centring_alone_removes_the_shared_component()
    {
        // Every vector shares a large constant part; centred, two vectors that differ only in noise stop looking alike.
        var catalog = Correlated(100, seed: 7);
        var post = VectorPostprocessor.Fit(catalog, new PostprocessOptions { Whiten = false });
        var output = post.ApplyAll(catalog);

        var mean = new float[Dimension];
        for (var r = 0; r < 100; r++)
        {
            TensorPrimitives.Add(mean, output.Row(r), mean);
        }

        Assert.That(TensorPrimitives.Norm(mean) / 100, Is.LessThan(0.2f));
        Assert.That(post.OutputDimension, Is.EqualTo(Dimension));
    }

    private static float[] Apply(VectorPostprocessor post, float[] vector)
    {
        var output = new float[post.OutputDimension];
        post.Apply(vector, output);
        return output;
    }

    /// <summary>Unit vectors with a shared positive offset and very unequal variance per axis, like CNN features.</summary>
    private static VectorRows Correlated(int count, int seed)
    {
        var random = new Random(seed);
        var output = new float[count * Dimension];
        for (var r = 0; r < count; r++)
        {
            var row = output.AsSpan(r * Dimension, Dimension);
            for (var c = 0; c < Dimension; c++)
            {
                row[c] = 2 + (float)(random.NextDouble() * 2 - 1) * MathF.Pow(3, -c * 0.5f) * 3;
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        return new VectorRows(output, Dimension);
    }
}
