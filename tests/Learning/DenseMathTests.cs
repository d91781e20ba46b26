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

    // Rows in blocks of four and a remainder; vectors shorter than, equal to and longer than one SIMD vector, with a
    // scalar tail. The SIMD path is the same 256-bit code on AVX2 and AVX-512 processors.
    [TestCase(0, 8)]
    [TestCase(1, 1)]
    [TestCase(3, 7)]
    [TestCase(4, 8)]
    [TestCase(5, 9)]
    [TestCase(9, 13)]
    [TestCase(64, 256)]
    [TestCase(257, 1280)]
    public void MultiplyVector_equals_the_textbook_product_for_every_shape_including_partial_blocks(int n, int k)
    {
        var a = Random(n * k, 5);
        var x = Random(k, 6);
        var y = new float[n];

        DenseMath.MultiplyVector(a, x, y);

        Assert.That(y, Is.EqualTo(Naive(a, n, x, 1, k)).Within(1e-4f));
    }

    [TestCase(9, 13)]
    [TestCase(257, 1280)]
    [TestCase(6, 5)]
    public void MultiplyVector_gives_each_row_the_very_float_Dot_gives_it_wherever_the_row_lies_in_a_block(int n, int k)
    {
        var a = Random(n * k, 7);
        var x = Random(k, 8);
        var y = new float[n];

        DenseMath.MultiplyVector(a, x, y);

        Assert.That(y, Is.EqualTo(Enumerable.Range(0, n).Select(i => DenseMath.Dot(a.AsSpan(i * k, k), x)).ToArray()));
    }

    [Test]
    public void Dot_refuses_vectors_of_different_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => DenseMath.Dot(new float[4], new float[5]));

        Assert.That(error!.Message, Does.StartWith("Vectors of 4 and 5 components have no dot product."));
    }

    [Test]
    public void MultiplyVector_refuses_a_matrix_whose_size_is_not_rows_times_the_vector()
    {
        var error = Assert.Throws<ArgumentException>(() => DenseMath.MultiplyVector(new float[10], new float[3], new float[3]));

        Assert.That(error!.Message, Does.StartWith("A matrix of 3 rows of 3 has 9 values, not 10."));
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
