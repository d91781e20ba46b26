using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// Dot products of int8 codes with an int16 query, in int32: the inner loop of the compact scan. On AVX-512BW it
/// widens 64 codes to int16 and multiplies pairwise into int32 (vpmovsxbw + vpmaddwd), so it needs no VNNI and never
/// saturates: |code| ≤ 127 and |weight| ≤ <see cref="MaxQueryWeight"/> keep any 1280-d sum far inside int32.
/// </summary>
internal static class Int8Dot
{
    /// <summary>The largest query weight; 127 · 8191 · 4096 dimensions still fits in an int32.</summary>
    public const int MaxQueryWeight = 8191;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int Dot(sbyte* codes, short* weights, int length)
    {
        var i = 0;
        var sum0 = 0;
        if (Avx512BW.IsSupported && length >= 64)
        {
            // Explicit AVX-512 intrinsics, not Vector512<T> operators: .NET reports Vector512 as not accelerated on
            // CPUs whose AVX-512 lowers the clock (this one), and its generic operators then run 2.5x slower.
            var acc0 = Vector512<int>.Zero;
            var acc1 = Vector512<int>.Zero;
            for (; i <= length - 64; i += 64)
            {
                var low = Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(codes + i));
                var high = Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(codes + i + 32));
                acc0 = Avx512F.Add(acc0, Avx512BW.MultiplyAddAdjacent(low, Avx512BW.LoadVector512(weights + i)));
                acc1 = Avx512F.Add(acc1, Avx512BW.MultiplyAddAdjacent(high, Avx512BW.LoadVector512(weights + i + 32)));
            }

            var sum = Avx512F.Add(acc0, acc1);
            var half = Avx2.Add(sum.GetLower(), sum.GetUpper());
            var quarter = Sse2.Add(half.GetLower(), half.GetUpper());
            quarter = Sse2.Add(quarter, Sse2.Shuffle(quarter, 0b_01_00_11_10));
            quarter = Sse2.Add(quarter, Sse2.Shuffle(quarter, 0b_10_11_00_01));
            sum0 = quarter.ToScalar();
        }
        else if (Avx2.IsSupported && length >= 32)
        {
            var acc0 = Vector256<int>.Zero;
            var acc1 = Vector256<int>.Zero;
            for (; i <= length - 32; i += 32)
            {
                var (low, high) = Vector256.Widen(Vector256.Load(codes + i));
                acc0 += Avx2.MultiplyAddAdjacent(low, Vector256.Load(weights + i));
                acc1 += Avx2.MultiplyAddAdjacent(high, Vector256.Load(weights + i + 16));
            }

            sum0 = Vector256.Sum(acc0 + acc1);
        }

        for (; i < length; i++)
        {
            sum0 += codes[i] * weights[i];
        }

        return sum0;
    }
}
