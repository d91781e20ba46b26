using System.Numerics.Tensors;

namespace ImageSearch.Core.Learning;

/// <summary>The few dense row-major matrix products the metric-head trainer needs, on <see cref="TensorPrimitives"/>, rows in parallel.</summary>
internal static class DenseMath
{
    /// <summary><c>c = a · bᵀ</c>: a is n×k, b is m×k, c is n×m (each entry one SIMD dot product of two rows).</summary>
    public static void MultiplyTransposed(float[] a, int n, float[] b, int m, int k, float[] c)
    {
        Parallel.For(0, n, i =>
        {
            var row = a.AsSpan(i * k, k);
            var output = c.AsSpan(i * m, m);
            for (var j = 0; j < m; j++)
            {
                output[j] = TensorPrimitives.Dot(row, b.AsSpan(j * k, k));
            }
        });
    }

    /// <summary><c>c += a · b</c>: a is n×m, b is m×k, c is n×k; zero entries of a are skipped (sparse gradients cost less).</summary>
    public static void AddProduct(float[] a, int n, int m, float[] b, int k, float[] c)
    {
        Parallel.For(0, n, i =>
        {
            var row = a.AsSpan(i * m, m);
            var output = c.AsSpan(i * k, k);
            for (var j = 0; j < m; j++)
            {
                if (row[j] != 0)
                {
                    TensorPrimitives.MultiplyAdd(b.AsSpan(j * k, k), row[j], output, output);
                }
            }
        });
    }

    /// <summary>The transpose of an n×m matrix (m×n).</summary>
    public static float[] Transpose(float[] a, int n, int m)
    {
        var t = new float[a.Length];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                t[j * n + i] = a[i * m + j];
            }
        }

        return t;
    }
}
