using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ImageSearch.Core.LinearAlgebra;

/// <summary>
/// The dense row-major matrix products of the engine. Matrix by matrix (the metric head's training, the PCA's
/// covariance and Gram matrices, the quantizer's rotation of catalog rows): blocks of 4 rows of <c>a</c> against 4 rows
/// of <c>b</c>, 16 SIMD dot products at once, so each loaded vector is used four times (a head trains in half the time
/// it took with one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per entry:
/// docs/quality.md, the head's training speed); row blocks in parallel. Matrix by vector (each search's projection
/// of its query and its exact scan): 4 rows against the vector at once, on the calling thread.
/// </summary>
internal static class DenseMath
{
    private const int Block = 4;

    /// <summary><c>c = a · bᵀ</c>: a is n×k, b is m×k, c is n×m.</summary>
    public static void MultiplyTransposed(float[] a, int n, float[] b, int m, int k, float[] c)
    {
        Parallel.For(0, (n + Block - 1) / Block, block =>
        {
            var i0 = block * Block;
            for (var j0 = 0; j0 < m; j0 += Block)
            {
                if (i0 + Block <= n && j0 + Block <= m && Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
                {
                    Dot4x4(a.AsSpan(i0 * k, Block * k), b.AsSpan(j0 * k, Block * k), k, c.AsSpan((i0 * m) + j0), m);
                    continue;
                }

                for (var i = i0; i < Math.Min(i0 + Block, n); i++)
                {
                    for (var j = j0; j < Math.Min(j0 + Block, m); j++)
                    {
                        c[(i * m) + j] = TensorPrimitives.Dot(a.AsSpan(i * k, k), b.AsSpan(j * k, k));
                    }
                }
            }
        });
    }

    /// <summary>
    /// <c>y = a · x</c>: a is y.Length × x.Length, row-major; y[i] is the dot product of a's row i with x. Four rows
    /// share each load of x and end in one horizontal sum each, which makes a scan of short rows (a search's 256-d
    /// catalog vectors) about a fifth faster than one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> a row.
    /// </summary>
    public static void MultiplyVector(ReadOnlySpan<float> a, ReadOnlySpan<float> x, Span<float> y)
    {
        var k = x.Length;
        var n = y.Length;
        if (a.Length != (long)n * k)
        {
            throw new ArgumentException($"A matrix of {n} rows of {k} has {(long)n * k} values, not {a.Length}.", nameof(a));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            for (; i + Block <= n; i += Block)
            {
                Dot4(a.Slice(i * k, Block * k), x, y.Slice(i, Block));
            }
        }

        for (; i < n; i++)
        {
            y[i] = Dot(a.Slice(i * k, k), x);
        }
    }

    /// <summary>
    /// The dot product of a and x in the arithmetic <see cref="MultiplyVector"/> gives each of its rows, so a score is
    /// the same float whether its row was scanned with others or alone (an exact re-ranking of candidates). Fully
    /// optimised from its first call, as <see cref="Dot4"/> is, so that no tier of compiled code sums differently.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> x)
    {
        if (a.Length != x.Length)
        {
            throw new ArgumentException($"Vectors of {a.Length} and {x.Length} components have no dot product.", nameof(x));
        }

        var k = x.Length;
        if (!Vector256.IsHardwareAccelerated || k < Vector256<float>.Count)
        {
            return TensorPrimitives.Dot(a, x);
        }

        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var v = ref MemoryMarshal.GetReference(x);
        var s0 = Vector256<float>.Zero;
        var t = 0;
        for (; t <= k - Vector256<float>.Count; t += Vector256<float>.Count)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a0, (nuint)t), Vector256.LoadUnsafe(ref v, (nuint)t), s0);
        }

        var y0 = Vector256.Sum(s0);
        for (; t < k; t++)
        {
            y0 += a[t] * x[t];
        }

        return y0;
    }

    /// <summary><c>c = a · b</c>: a is n×m, b is m×k, c is n×k.</summary>
    public static void Multiply(float[] a, int n, int m, float[] b, int k, float[] c) =>
        MultiplyTransposed(a, n, Transpose(b, m, k), k, m, c);

    /// <summary>The transpose of an n×m matrix (m×n), in cache-sized tiles.</summary>
    public static float[] Transpose(float[] a, int n, int m)
    {
        const int Tile = 32;
        var t = new float[a.Length];
        for (var i0 = 0; i0 < n; i0 += Tile)
        {
            for (var j0 = 0; j0 < m; j0 += Tile)
            {
                for (var i = i0; i < Math.Min(i0 + Tile, n); i++)
                {
                    for (var j = j0; j < Math.Min(j0 + Tile, m); j++)
                    {
                        t[(j * n) + i] = a[(i * m) + j];
                    }
                }
            }
        }

        return t;
    }

    /// <summary>The dot products of 4 rows of a (each x.Length long) with x, written to y[0..4]: each row in <see cref="Dot"/>'s arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4(ReadOnlySpan<float> a, ReadOnlySpan<float> x, Span<float> y)
    {
        var k = x.Length;
        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var a1 = ref Unsafe.Add(ref a0, k);
        ref var a2 = ref Unsafe.Add(ref a1, k);
        ref var a3 = ref Unsafe.Add(ref a2, k);
        ref var v = ref MemoryMarshal.GetReference(x);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        var t = 0;
        for (; t <= k - Vector256<float>.Count; t += Vector256<float>.Count)
        {
            var xv = Vector256.LoadUnsafe(ref v, (nuint)t);
            s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a0, (nuint)t), xv, s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a1, (nuint)t), xv, s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a2, (nuint)t), xv, s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a3, (nuint)t), xv, s3);
        }

        float y0 = Vector256.Sum(s0), y1 = Vector256.Sum(s1), y2 = Vector256.Sum(s2), y3 = Vector256.Sum(s3);
        for (; t < k; t++)
        {
            var xt = x[t];
            y0 += a[t] * xt;
            y1 += a[k + t] * xt;
            y2 += a[(2 * k) + t] * xt;
            y3 += a[(3 * k) + t] * xt;
        }

        y[0] = y0;
        y[1] = y1;
        y[2] = y2;
        y[3] = y3;
    }

    /// <summary>The 16 dot products of 4 rows of a with 4 rows of b (each k long), written to c's 4×4 block (row stride m).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4x4(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int k, Span<float> c, int m)
    {
        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var a1 = ref Unsafe.Add(ref a0, k);
        ref var a2 = ref Unsafe.Add(ref a1, k);
        ref var a3 = ref Unsafe.Add(ref a2, k);
        ref var b0 = ref MemoryMarshal.GetReference(b);
        ref var b1 = ref Unsafe.Add(ref b0, k);
        ref var b2 = ref Unsafe.Add(ref b1, k);
        ref var b3 = ref Unsafe.Add(ref b2, k);
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector256<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector256<float> s30 = default, s31 = default, s32 = default, s33 = default;
        var t = 0;
        for (; t <= k - Vector256<float>.Count; t += Vector256<float>.Count)
        {
            var x0 = Vector256.LoadUnsafe(ref a0, (nuint)t);
            var x1 = Vector256.LoadUnsafe(ref a1, (nuint)t);
            var x2 = Vector256.LoadUnsafe(ref a2, (nuint)t);
            var x3 = Vector256.LoadUnsafe(ref a3, (nuint)t);
            var y = Vector256.LoadUnsafe(ref b0, (nuint)t);
            s00 = Vector256.FusedMultiplyAdd(x0, y, s00);
            s10 = Vector256.FusedMultiplyAdd(x1, y, s10);
            s20 = Vector256.FusedMultiplyAdd(x2, y, s20);
            s30 = Vector256.FusedMultiplyAdd(x3, y, s30);
            y = Vector256.LoadUnsafe(ref b1, (nuint)t);
            s01 = Vector256.FusedMultiplyAdd(x0, y, s01);
            s11 = Vector256.FusedMultiplyAdd(x1, y, s11);
            s21 = Vector256.FusedMultiplyAdd(x2, y, s21);
            s31 = Vector256.FusedMultiplyAdd(x3, y, s31);
            y = Vector256.LoadUnsafe(ref b2, (nuint)t);
            s02 = Vector256.FusedMultiplyAdd(x0, y, s02);
            s12 = Vector256.FusedMultiplyAdd(x1, y, s12);
            s22 = Vector256.FusedMultiplyAdd(x2, y, s22);
            s32 = Vector256.FusedMultiplyAdd(x3, y, s32);
            y = Vector256.LoadUnsafe(ref b3, (nuint)t);
            s03 = Vector256.FusedMultiplyAdd(x0, y, s03);
            s13 = Vector256.FusedMultiplyAdd(x1, y, s13);
            s23 = Vector256.FusedMultiplyAdd(x2, y, s23);
            s33 = Vector256.FusedMultiplyAdd(x3, y, s33);
        }

        Span<float> sums =
        [
            Vector256.Sum(s00), Vector256.Sum(s01), Vector256.Sum(s02), Vector256.Sum(s03),
            Vector256.Sum(s10), Vector256.Sum(s11), Vector256.Sum(s12), Vector256.Sum(s13),
            Vector256.Sum(s20), Vector256.Sum(s21), Vector256.Sum(s22), Vector256.Sum(s23),
            Vector256.Sum(s30), Vector256.Sum(s31), Vector256.Sum(s32), Vector256.Sum(s33),
        ];
        for (; t < k; t++)
        {
            for (var i = 0; i < Block; i++)
            {
                var x = a[(i * k) + t];
                for (var j = 0; j < Block; j++)
                {
                    sums[(i * Block) + j] += x * b[(j * k) + t];
                }
            }
        }

        for (var i = 0; i < Block; i++)
        {
            sums.Slice(i * Block, Block).CopyTo(c.Slice(i * m, Block));
        }
    }
}
