using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Learning;

public sealed class DenseMathTests
{
    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5))];
    }

    private static float[] Naive(float[] a, int n, float[] b, int m, int k)
    {
        var c = new float[n * m];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < m; j++)
            {
                var sum = 0.0;
                for (var t = 0; t < k; t++)
                {
                    sum += a[(i * k) + t] * (double)b[(j * k) + t];
                }

                c[(i * m) + j] = (float)sum;
            }
        }

        return c;
    }

    [TestCase(8, 8, 64)]
    [TestCase(7, 6, 13)]
    [TestCase(5, 9, 3)]
    [TestCase(1, 1, 1)]
    [TestCase(12, 5, 1280)]
    public void MultiplyTransposed_equals_the_textbook_product_for_every_shape_including_partial_blocks(int n, int m, int k)
    {
        var a = Random(n * k, 1);
        var b = Random(m * k, 2);
        var c = new float[n * m];

        DenseMath.MultiplyTransposed(a, n, b, m, k, c);

        Assert.That(c, Is.EqualTo(Naive(a, n, b, m, k)).Within(1e-4f));
    }

    [Test]
    public void Multiply_is_the_product_with_the_second_matrix_untransposed()
    {
        int n = 6, m = 11, k = 9;
        var a = Random(n * m, 3);
        var b = Random(m * k, 4);
        var c = new float[n * k];

        DenseMath.Multiply(a, n, m, b, k, c);

        Assert.That(c, Is.EqualTo(Naive(a, n, DenseMath.Transpose(b, m, k), k, m)).Within(1e-4f));
        Assert.That(DenseMath.Transpose(DenseMath.Transpose(b, m, k), k, m), Is.EqualTo(b));
    }
}
