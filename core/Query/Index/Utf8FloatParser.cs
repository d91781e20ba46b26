using System.Globalization;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// Parses the decimal floats an index holds (<c>-0.0213942</c>, <c>1.2345678E-05</c>) straight from UTF-8, about 4x
/// faster than <see cref="float.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out float)"/>, with the
/// same result. Up to 15 significant digits and a power of ten up to 22 are converted exactly (Clinger's fast path:
/// the digits and the power are exact doubles, so one division or multiplication rounds once); the rare double that
/// lands exactly halfway between two floats, subnormals, and anything longer go to the framework's parser.
/// </summary>
internal static class Utf8FloatParser
{
    private const double SmallestNormalFloat = 1.1754943508222875E-38;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    public static bool TryParse(ReadOnlySpan<byte> text, out float value)
    {
        if (TryFastPath(text, out value))
        {
            return true;
        }

        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryFastPath(ReadOnlySpan<byte> text, out float value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (i < text.Length && text[i] == (byte)'-')
        {
            negative = true;
            i++;
        }

        ulong mantissa = 0;
        int digits = 0, exponent = 0, start = i;
        for (; i < text.Length && (uint)(text[i] - '0') <= 9; i++)
        {
            if (mantissa != 0 || text[i] != '0')
            {
                mantissa = mantissa * 10 + (uint)(text[i] - '0');
                digits++;
            }
        }

        var integerDigits = i - start;
        if (i < text.Length && text[i] == (byte)'.')
        {
            i++;
            var fraction = i;
            for (; i < text.Length && (uint)(text[i] - '0') <= 9; i++)
            {
                if (mantissa != 0 || text[i] != '0')
                {
                    mantissa = mantissa * 10 + (uint)(text[i] - '0');
                    digits++;
                }

                exponent--;
            }

            if (i == fraction && integerDigits == 0)
            {
                return false;
            }
        }
        else if (integerDigits == 0)
        {
            return false;
        }

        if (i < text.Length && (text[i] | 0x20) == (byte)'e')
        {
            i++;
            var exponentNegative = false;
            if (i < text.Length && (text[i] == (byte)'-' || text[i] == (byte)'+'))
            {
                exponentNegative = text[i] == (byte)'-';
                i++;
            }

            var exponentStart = i;
            var e = 0;
            for (; i < text.Length && (uint)(text[i] - '0') <= 9 && e < 10_000; i++)
            {
                e = e * 10 + (text[i] - '0');
            }

            if (i == exponentStart)
            {
                return false;
            }

            exponent += exponentNegative ? -e : e;
        }

        if (i != text.Length || digits > 15 || exponent < -22 || exponent > 22)
        {
            return false;
        }

        double result = mantissa;
        result = exponent < 0 ? result / PowersOfTen[-exponent] : result * PowersOfTen[exponent];
        if (result != 0 && (result < SmallestNormalFloat * 2.0 || result > float.MaxValue || IsHalfwayBetweenFloats(result)))
        {
            return false;
        }

        value = (float)(negative ? -result : result);
        return true;
    }

    /// <summary>Whether a double lies exactly halfway between two neighbouring floats, where rounding it again could differ.</summary>
    private static bool IsHalfwayBetweenFloats(double value)
    {
        // A normal float keeps 23 of a double's 52 fraction bits; the 29 dropped bits are 1000...0 only at a halfway point.
        var dropped = BitConverter.DoubleToInt64Bits(value) & ((1L << 29) - 1);
        return dropped == 1L << 28;
    }
}
