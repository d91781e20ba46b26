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

    /// <summary>Pillow's <c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c> for one axis.</summary>
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
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = 1.0 * filterScale;
            var taps = (int)Math.Ceiling(support) * 2 + 1;
            var start = new int[outSize];
            var count = new int[outSize];
            var weights = new int[outSize * taps];
            var k = new double[taps];
            for (var xx = 0; xx < outSize; xx++)
            {
                var center = (xx + 0.5) * scale;
                var ss = 1.0 / filterScale;
                var xmin = Math.Max((int)(center - support + 0.5), 0);
                var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
                var ww = 0.0;
                for (var x = 0; x < xmax; x++)
                {
                    var w = Triangle((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }

                for (var x = 0; x < xmax; x++)
                {
                    var normalised = ww != 0.0 ? k[x] / ww : k[x];
                    weights[xx * taps + x] = normalised < 0
                        ? (int)(-0.5 + normalised * (1 << PrecisionBits))
                        : (int)(0.5 + normalised * (1 << PrecisionBits));
                }

                start[xx] = xmin;
                count[xx] = xmax;
            }

            return new Coefficients(start, count, weights, taps);
        }

        private static double Triangle(double x)
        {
            x = Math.Abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }
    }
}
