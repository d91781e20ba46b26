using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ImageSearch.Core.Imaging;

/// <summary>
/// Turns decoded pixels into the model's input tensor: resize the shorter side, centre-crop, normalise, lay out as
/// planar CHW floats. Only the cropped part of the resized image is ever computed: the vertical pass reads just the
/// source rows the crop needs (vectorised over whole rows), the horizontal pass just the crop's columns.
/// </summary>
public sealed class ImageTensorizer
{
    private readonly float[] _scale = new float[3];
    private readonly float[] _bias = new float[3];

    public ImageTensorizer(PreprocessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CropSize <= 0 || options.ResizeShortSide < options.CropSize)
        {
            throw new ArgumentException("CropSize must be positive and no larger than ResizeShortSide.", nameof(options));
        }

        Options = options;
        for (var c = 0; c < 3; c++)
        {
            // (v / 255 - mean) / std  ==  v * scale + bias
            _scale[c] = 1f / (255f * options.Std[c]);
            _bias[c] = -options.Mean[c] / options.Std[c];
        }
    }

    public PreprocessingOptions Options { get; }

    /// <summary>Floats one image takes: 3 x crop x crop.</summary>
    public int TensorLength => 3 * Options.CropSize * Options.CropSize;

    /// <summary>The tensor shape of a batch, <c>[batch, 3, crop, crop]</c>.</summary>
    public long[] BatchShape(int batch) => [batch, 3, Options.CropSize, Options.CropSize];

    /// <summary>Writes the normalised CHW tensor of <paramref name="image"/> into <paramref name="destination"/>.</summary>
    /// <param name="fullSize">
    /// The upright size of the photo at full resolution when <paramref name="image"/> was decoded at a reduced scale:
    /// the resize and crop geometry comes from it, so a reduced decode crops exactly what a full one would.
    /// </param>
    public void Write(RgbImage image, Span<float> destination, (int Width, int Height)? fullSize = null) =>
        ResizeCrop(image, destination, fullSize, _scale, _bias);

    /// <summary>The resized, cropped pixels as CHW floats on the 0-255 scale (no normalisation); for tests and tools.</summary>
    public void WriteUnnormalized(RgbImage image, Span<float> destination, (int Width, int Height)? fullSize = null) =>
        ResizeCrop(image, destination, fullSize, [1f, 1f, 1f], [0f, 0f, 0f]);

    /// <summary>Size of the resized image: shorter side to <see cref="PreprocessingOptions.ResizeShortSide"/>, longer side scaled and rounded to nearest (as the Pillow reference crops are).</summary>
    public (int Width, int Height) ResizedSize(int width, int height)
    {
        var target = Options.ResizeShortSide;
        return width <= height
            ? (target, (int)Math.Round((double)target * height / width, MidpointRounding.ToEven))
            : ((int)Math.Round((double)target * width / height, MidpointRounding.ToEven), target);
    }

    private void ResizeCrop(RgbImage image, Span<float> destination, (int Width, int Height)? fullSize, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias)
    {
        ArgumentNullException.ThrowIfNull(image);
        var crop = Options.CropSize;
        if (destination.Length < TensorLength)
        {
            throw new ArgumentException($"Destination needs {TensorLength} floats.", nameof(destination));
        }

        var (fullWidth, fullHeight) = fullSize ?? (image.Width, image.Height);
        var (resizedWidth, resizedHeight) = ResizedSize(fullWidth, fullHeight);
        var left = (int)Math.Round((resizedWidth - crop) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((resizedHeight - crop) / 2.0, MidpointRounding.ToEven);
        var columns = ResampleWeights.Create(image.Width, resizedWidth, left, crop);
        var rows = ResampleWeights.Create(image.Height, resizedHeight, top, crop);

        // Vertical pass: crop rows x the source columns the crop reads, interleaved RGB floats.
        var x0 = columns.SourceStart;
        var span = (columns.SourceEnd - x0) * 3;
        var buffer = ArrayPool<float>.Shared.Rent(crop * span);
        try
        {
            var pixels = image.Pixels;
            var stride = image.Stride;
            for (var y = 0; y < crop; y++)
            {
                var accumulator = buffer.AsSpan(y * span, span);
                accumulator.Clear();
                var weights = rows.For(y);
                var sourceRow = rows.Start[y];
                for (var k = 0; k < weights.Length; k++)
                {
                    AddScaled(pixels.Slice((sourceRow + k) * stride + x0 * 3, span), weights[k], accumulator);
                }
            }

            // Horizontal pass over the crop's columns, normalised, into planar CHW.
            var plane = crop * crop;
            var red = destination[..plane];
            var green = destination.Slice(plane, plane);
            var blue = destination.Slice(2 * plane, plane);
            for (var y = 0; y < crop; y++)
            {
                var row = buffer.AsSpan(y * span, span);
                for (var x = 0; x < crop; x++)
                {
                    var weights = columns.For(x);
                    var offset = (columns.Start[x] - x0) * 3;
                    float r = 0, g = 0, b = 0;
                    for (var k = 0; k < weights.Length; k++)
                    {
                        var w = weights[k];
                        var p = offset + k * 3;
                        r += w * row[p];
                        g += w * row[p + 1];
                        b += w * row[p + 2];
                    }

                    var i = y * crop + x;
                    red[i] = Math.Clamp(r, 0f, 255f) * scale[0] + bias[0];
                    green[i] = Math.Clamp(g, 0f, 255f) * scale[1] + bias[1];
                    blue[i] = Math.Clamp(b, 0f, 255f) * scale[2] + bias[2];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary><c>accumulator += weight * source</c>, widening bytes to floats.</summary>
    private static void AddScaled(ReadOnlySpan<byte> source, float weight, Span<float> accumulator)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && source.Length >= 16)
        {
            var w = Vector256.Create(weight);
            ref var acc = ref MemoryMarshal.GetReference(accumulator);
            for (; i <= source.Length - 16; i += 16)
            {
                var bytes = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)i);
                var (low, high) = Vector128.Widen(bytes);
                var (a, b) = Vector256.Widen(Vector256.Create(low, high));
                var fa = Vector256.ConvertToSingle(a.AsInt32());
                var fb = Vector256.ConvertToSingle(b.AsInt32());
                var accA = Vector256.LoadUnsafe(ref acc, (nuint)i);
                var accB = Vector256.LoadUnsafe(ref acc, (nuint)(i + 8));
                Vector256.FusedMultiplyAdd(fa, w, accA).StoreUnsafe(ref acc, (nuint)i);
                Vector256.FusedMultiplyAdd(fb, w, accB).StoreUnsafe(ref acc, (nuint)(i + 8));
            }
        }

        for (; i < source.Length; i++)
        {
            accumulator[i] += weight * source[i];
        }
    }
}
