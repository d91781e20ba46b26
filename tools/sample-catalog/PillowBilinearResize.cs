using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.SampleCatalog;

/// <summary>
/// Pillow's <c>Image.resize(size, BILINEAR)</c> of an 8-bit RGB image, bit for bit: the anti-aliased triangle filter
/// (widened by the scale factor when shrinking), its weights in double precision normalised to 22-bit fixed point,
/// a horizontal pass rounded to 8 bits, then a vertical one. The sample catalog's colour names were computed on
/// such thumbnails, so matching Pillow's integer rounding keeps borderline colours on the same side.
/// </summary>
public static class PillowBilinearResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>The resized pixels, RGB, rows packed.</summary>
    public static byte[] Resize(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var horizontal = Coefficients.Create(image.Width, width);
        var vertical = Coefficients.Create(image.Height, height);

        // Horizontal pass over the rows the vertical pass reads.
        int firstRow = vertical.Start[0], lastRow = vertical.Start[^1] + vertical.Count[^1];
        var temporary = new byte[(lastRow - firstRow) * width * 3];
        for (var y = firstRow; y < lastRow; y++)
        {
            var source = image.Row(y);
            var target = temporary.AsSpan((y - firstRow) * width * 3, width * 3);
            for (var x = 0; x < width; x++)
            {
                var k = horizontal.For(x);
                var start = horizontal.Start[x];
                int r = 1 << (PrecisionBits - 1), g = r, b = r;
                for (var i = 0; i < k.Length; i++)
                {
                    var p = (start + i) * 3;
                    r += source[p] * k[i];
                    g += source[p + 1] * k[i];
                    b += source[p + 2] * k[i];
                }

                target[x * 3] = Clip(r);
                target[x * 3 + 1] = Clip(g);
                target[x * 3 + 2] = Clip(b);
            }
        }

        var output = new byte[width * height * 3];
        var stride = width * 3;
        for (var y = 0; y < height; y++)
        {
            var k = vertical.For(y);
            var start = vertical.Start[y] - firstRow;
            for (var x = 0; x < stride; x++)
            {
                var sum = 1 << (PrecisionBits - 1);
                for (var i = 0; i < k.Length; i++)
                {
                    sum += temporary[(start + i) * stride + x] * k[i];
                }

                output[y * stride + x] = Clip(sum);
            }
        }

        return output;
    }

    private static byte Clip(int value) => (byte)Math.Clamp(value >> PrecisionBits, 0, 255);

    /// <summary>Pillow's <c>normalize_coeffs_8bpc</c>: the engine's exact resize weights in fixed point, for one axis.</summary>
    private sealed class Coefficients
    {
        private readonly int[] _weights;
        private readonly int _taps;

        private Coefficients(int[] start, int[] count, int[] weights, int taps)
        {
            Start = start;
            Count = count;
            _weights = weights;
            _taps = taps;
        }

        public int[] Start { get; }

        public int[] Count { get; }

        public ReadOnlySpan<int> For(int output) => _weights.AsSpan(output * _taps, Count[output]);

        public static Coefficients Create(int inSize, int outSize)
        {
            var exact = ResampleWeights.Create(inSize, outSize, 0, outSize);
            var weights = new int[outSize * exact.Taps];
            for (var output = 0; output < outSize; output++)
            {
                var k = exact.ExactFor(output);
                for (var x = 0; x < k.Length; x++)
                {
                    weights[output * exact.Taps + x] = k[x] < 0
                        ? (int)(-0.5 + k[x] * (1 << PrecisionBits))
                        : (int)(0.5 + k[x] * (1 << PrecisionBits));
                }
            }

            return new Coefficients(exact.Start, exact.Count, weights, exact.Taps);
        }
    }
}
