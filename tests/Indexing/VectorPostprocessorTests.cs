using System.Numerics.Tensors;
using ImageSearch.Core.Indexing;

namespace ImageSearch.Tests.Indexing;

public sealed class VectorPostprocessorTests
{
    private const int Dimension = 12;

    [Test]
    public void Eigen_decomposition_reconstructs_a_symmetric_matrix()
    {
        var random = new Random(3);
        const int n = 20;
        var b = Enumerable.Range(0, n * n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                a[i * n + j] = b[i * n + j] + b[j * n + i];
            }
        }

        var vectors = (double[])a.Clone();
        var values = SymmetricEigen.Decompose(vectors, n);

        Assert.That(values, Is.Ordered);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var k = 0; k < n; k++)
                {
                    sum += vectors[k * n + i] * values[k] * vectors[k * n + j];
                }

                Assert.That(sum, Is.EqualTo(a[i * n + j]).Within(1e-9), $"({i},{j})");
            }
        }
    }

    [Test]
    public void Outputs_are_unit_length()
    {
        var catalog = Correlated(200, seed: 1);
        var post = VectorPostprocessor.Fit(catalog, Dimension, new PostprocessOptions { Power = 0.5f, Shrinkage = 0.1f });

        var output = post.ApplyAll(Correlated(20, seed: 2));

        for (var r = 0; r < 20; r++)
        {
            Assert.That(TensorPrimitives.Norm(output.AsSpan(r * Dimension, Dimension)), Is.EqualTo(1f).Within(1e-5f));
        }
    }

    [Test]
    public void Full_whitening_makes_the_catalog_covariance_isotropic()
    {
        var catalog = Correlated(500, seed: 4);
        var post = VectorPostprocessor.Fit(catalog, Dimension, new PostprocessOptions { Shrinkage = 0 });
        var pca = VectorPostprocessor.ComputePca(post.ApplyAll(catalog), Dimension);

        // After whitening (and the final L2), the variance is spread evenly: no axis dominates as before.
        var before = VectorPostprocessor.ComputePca(catalog, Dimension).Eigenvalues;
        Assert.That(before[0] / before[^1], Is.GreaterThan(100));
        Assert.That(pca.Eigenvalues[0] / pca.Eigenvalues[^2], Is.LessThan(3));
    }

    [Test]
    public void Whitening_learned_on_a_catalog_is_applied_to_queries_the_same_way_and_survives_a_round_trip()
    {
        var catalog = Correlated(300, seed: 5);
        var post = VectorPostprocessor.Fit(catalog, Dimension, new PostprocessOptions { Power = 0.5f, Shrinkage = 0.3f, Dimensions = 8 });
        var path = Path.Combine(Path.GetTempPath(), $"post-{Guid.NewGuid():N}.json");
        post.Save(path);
        var loaded = VectorPostprocessor.Load(path);
        File.Delete(path);

        var query = Correlated(1, seed: 6);
        var a = new float[8];
        var b = new float[8];
        post.Apply(query, a);
        loaded.Apply(query, b);

        Assert.That(loaded.OutputDimension, Is.EqualTo(8));
        Assert.That(b, Is.EqualTo(a));
        Assert.That(post.ApplyAll(catalog).AsSpan(0, 8).ToArray(), Is.EqualTo(Apply(post, catalog.AsSpan(0, Dimension).ToArray())), "catalog rows go through the same Apply");
    }

    [Test]
    public void Centring_alone_removes_the_shared_component()
    {
        // Every vector shares a large constant part; centred, two vectors that differ only in noise stop looking alike.
        var catalog = Correlated(100, seed: 7);
        var post = VectorPostprocessor.Fit(catalog, Dimension, new PostprocessOptions { Whiten = false });
        var output = post.ApplyAll(catalog);

        var mean = new float[Dimension];
        for (var r = 0; r < 100; r++)
        {
            TensorPrimitives.Add(mean, output.AsSpan(r * Dimension, Dimension), mean);
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
    private static float[] Correlated(int count, int seed)
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

        return output;
    }
}
