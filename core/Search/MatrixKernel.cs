using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageSearch.Core.Search;

/// <summary>A register-blocked piece of a matrix product: the 16 dot products of four rows with four other rows.</summary>
internal static class MatrixKernel
{
    /// <summary>
    /// out[r * outStride + outColumn + c] = a[r] · b[c] for r, c in 0..3, where a and b each hold four consecutive rows
    /// of <paramref name="length"/> values.
    /// </summary>
    public static unsafe void Dot4x4(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int length, Span<float> output, int outColumn, int outStride)
    {
        var i = 0;
        Span<float> sums = stackalloc float[16];
        sums.Clear();
        // Not Vector512.IsHardwareAccelerated: .NET reports false on CPUs whose AVX-512 lowers the clock, and this
        // kernel is worth it there too (16 accumulators need the 32 registers AVX-512 has).
        if (Avx512F.IsSupported && length >= 16 && a.Length >= 4 * length && b.Length >= 4 * length)
        {
            fixed (float* pa = a, pb = b)
            {
                Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
                Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
                Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default;
                Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
                for (; i <= length - 16; i += 16)
                {
                    var b0 = Avx512F.LoadVector512(pb + i);
                    var b1 = Avx512F.LoadVector512(pb + length + i);
                    var b2 = Avx512F.LoadVector512(pb + (2 * length) + i);
                    var b3 = Avx512F.LoadVector512(pb + (3 * length) + i);
                    var a0 = Avx512F.LoadVector512(pa + i);
                    s00 = Avx512F.FusedMultiplyAdd(a0, b0, s00);
                    s01 = Avx512F.FusedMultiplyAdd(a0, b1, s01);
                    s02 = Avx512F.FusedMultiplyAdd(a0, b2, s02);
                    s03 = Avx512F.FusedMultiplyAdd(a0, b3, s03);
                    var a1 = Avx512F.LoadVector512(pa + length + i);
                    s10 = Avx512F.FusedMultiplyAdd(a1, b0, s10);
                    s11 = Avx512F.FusedMultiplyAdd(a1, b1, s11);
                    s12 = Avx512F.FusedMultiplyAdd(a1, b2, s12);
                    s13 = Avx512F.FusedMultiplyAdd(a1, b3, s13);
                    var a2 = Avx512F.LoadVector512(pa + (2 * length) + i);
                    s20 = Avx512F.FusedMultiplyAdd(a2, b0, s20);
                    s21 = Avx512F.FusedMultiplyAdd(a2, b1, s21);
                    s22 = Avx512F.FusedMultiplyAdd(a2, b2, s22);
                    s23 = Avx512F.FusedMultiplyAdd(a2, b3, s23);
                    var a3 = Avx512F.LoadVector512(pa + (3 * length) + i);
                    s30 = Avx512F.FusedMultiplyAdd(a3, b0, s30);
                    s31 = Avx512F.FusedMultiplyAdd(a3, b1, s31);
                    s32 = Avx512F.FusedMultiplyAdd(a3, b2, s32);
                    s33 = Avx512F.FusedMultiplyAdd(a3, b3, s33);
                }

                sums[0] = Sum(s00); sums[1] = Sum(s01); sums[2] = Sum(s02); sums[3] = Sum(s03);
                sums[4] = Sum(s10); sums[5] = Sum(s11); sums[6] = Sum(s12); sums[7] = Sum(s13);
                sums[8] = Sum(s20); sums[9] = Sum(s21); sums[10] = Sum(s22); sums[11] = Sum(s23);
                sums[12] = Sum(s30); sums[13] = Sum(s31); sums[14] = Sum(s32); sums[15] = Sum(s33);
            }
        }

        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                var tail = i < length ? TensorPrimitives.Dot(a.Slice((r * length) + i, length - i), b.Slice((c * length) + i, length - i)) : 0f;
                output[(r * outStride) + outColumn + c] = sums[(r * 4) + c] + tail;
            }
        }
    }

    private static float Sum(Vector512<float> v)
    {
        var half = Avx.Add(v.GetLower(), v.GetUpper());
        var quarter = Sse.Add(half.GetLower(), half.GetUpper());
        quarter = Sse.Add(quarter, Sse.MoveHighToLow(quarter, quarter));
        quarter = Sse.AddScalar(quarter, Sse.Shuffle(quarter, quarter, 0b_01));
        return quarter.ToScalar();
    }
}
