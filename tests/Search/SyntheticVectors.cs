using System.Numerics.Tensors;

namespace ImageSearch.Tests.Search;

/// <summary>Unit vectors for search tests: clustered like real embeddings (so principal axes mean something) or uniform.</summary>
internal static class SyntheticVectors
{
    /// <summary>
    /// <paramref name="rows"/> vectors around <paramref name="clusters"/> random centres, with isotropic per-row noise
    /// of relative size <paramref name="noise"/>. The centres' spread falls off across dimensions (e^(-i/20)) like
    /// the spectrum of real embeddings: on the sample catalog a fifth of the principal axes carry about 90% of the variance.
    /// </summary>
    public static float[] Clustered(int rows, int dimension, int clusters, float noise, int seed)
    {
        var random = new Random(seed);
        var centres = Uniform(clusters, dimension, seed + 1);
        for (var c = 0; c < clusters; c++)
        {
            for (var i = 0; i < dimension; i++)
            {
                centres[(c * dimension) + i] *= MathF.Exp(-i / 20f);
            }

            var centre = centres.AsSpan(c * dimension, dimension);
            TensorPrimitives.Divide(centre, TensorPrimitives.Norm(centre), centre);
        }

        var vectors = new float[rows * dimension];
        for (var r = 0; r < rows; r++)
        {
            var row = vectors.AsSpan(r * dimension, dimension);
            centres.AsSpan(random.Next(clusters) * dimension, dimension).CopyTo(row);
            for (var i = 0; i < dimension; i++)
            {
                row[i] += noise * Gaussian(random) / MathF.Sqrt(dimension);
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        return vectors;
    }

    public static float[] Uniform(int rows, int dimension, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[rows * dimension];
        for (var r = 0; r < rows; r++)
        {
            var row = vectors.AsSpan(r * dimension, dimension);
            for (var i = 0; i < dimension; i++)
            {
                row[i] = Gaussian(random);
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        return vectors;
    }

    /// <summary>The exact top <paramref name="k"/> rows by cosine, ties to the lower row.</summary>
    public static int[] ExactTop(float[] vectors, int dimension, ReadOnlySpan<float> query, int k, Func<int, bool>? include = null)
    {
        var scores = new List<(int Row, float Score)>();
        for (var r = 0; r < vectors.Length / dimension; r++)
        {
            if (include is null || include(r))
            {
                scores.Add((r, TensorPrimitives.Dot(query, vectors.AsSpan(r * dimension, dimension))));
            }
        }

        return [.. scores.OrderByDescending(s => s.Score).ThenBy(s => s.Row).Take(k).Select(s => s.Row)];
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
