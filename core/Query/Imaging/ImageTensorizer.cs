using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ImageSearch.Core.Query.Imaging;

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

    /// <summary>
    /// Writes the normalised CHW tensor of <paramref name="crop"/>, which is already the model's input size
    /// (<see cref="PreprocessingOptions.CropSize"/> square): no resize, the same values <see cref="Write"/> gives for a
    /// centre crop that needs none.
    /// </summary>
    public void WriteCropped(RgbImage crop, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(crop);
        if (crop.Width != Options.CropSize || crop.Height != Options.CropSize)
        {
            throw new ArgumentException($"The crop is {crop.Width}x{crop.Height}; the model takes {Options.CropSize}x{Options.CropSize}.", nameof(crop));
        }

        Resample(crop, destination, (crop.Width, crop.Height), 0, 0, _scale, _bias);
    }

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
        var (fullWidth, fullHeight) = fullSize ?? (image.Width, image.Height);
        var (resizedWidth, resizedHeight) = ResizedSize(fullWidth, fullHeight);
        var left = (int)Math.Round((resizedWidth - crop) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((resizedHeight - crop) / 2.0, MidpointRounding.ToEven);
        Resample(image, destination, (resizedWidth, resizedHeight), left, top, scale, bias);
    }

    /// <summary>Resizes <paramref name="image"/> to <paramref name="resized"/> and writes the crop at (left, top).</summary>
    private void Resample(RgbImage image, Span<float> destination, (int Width, int Height) resized, int left, int top, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias)
    {
        var crop = Options.CropSize;
        if (destination.Length < TensorLength)
        {
            throw new ArgumentException($"Destination needs {TensorLength} floats.", nameof(destination));
        }

        var (resizedWidth, resizedHeight) = resized;
        var columns = ResampleWeights.Create(image.Width, resizedWidth, left, crop);
        var rows = ResampleWeights.Create(image.Height, resizedHeight, top, crop);

        // Vertical pass: crop rows x the source columns the crop reads, interleaved RGB floats (one spare float at the
        // end of each row, so the horizontal pass can load four floats at the last pixel).
        var x0 = columns.SourceStart;
        var span = (columns.SourceEnd - x0) * 3;
        var stride = span + 1;
        var buffer = ArrayPool<float>.Shared.Rent(crop * stride);
        try
        {
            var pixels = image.Pixels;
            for (var y = 0; y < crop; y++)
            {
                var row = buffer.AsSpan(y * stride, stride);
                row[span] = 0;
                VerticalPass(pixels[(rows.Start[y] * image.Stride + x0 * 3)..], image.Stride, rows.For(y), row[..span]);
            }

            HorizontalPass(buffer, stride, columns, x0, destination[..(3 * crop * crop)], scale, bias, crop);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary><c>destination[i] = sum_k weights[k] * source[k * stride + i]</c>, bytes widened to floats, 16 at a time.</summary>
    private static void VerticalPass(ReadOnlySpan<byte> source, int stride, ReadOnlySpan<float> weights, Span<float> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var length = destination.Length;
        var taps = weights.Length;
        if ((taps - 1) * stride + length > source.Length)
        {
            throw new ArgumentException("Source rows are shorter than the filter needs.", nameof(source));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - 16; i += 16)
            {
                var low = Vector256<float>.Zero;
                var high = Vector256<float>.Zero;
                for (var k = 0; k < taps; k++)
                {
                    var bytes = Vector128.LoadUnsafe(ref src, (nuint)(k * stride + i));
                    var (words0, words1) = Vector128.Widen(bytes);
                    var (a, b) = Vector256.Widen(Vector256.Create(words0, words1));
                    var w = Vector256.Create(weights[k]);
                    low = Vector256.MultiplyAddEstimate(Vector256.ConvertToSingle(a.AsInt32()), w, low);
                    high = Vector256.MultiplyAddEstimate(Vector256.ConvertToSingle(b.AsInt32()), w, high);
                }

                low.StoreUnsafe(ref dst, (nuint)i);
                high.StoreUnsafe(ref dst, (nuint)(i + 8));
            }
        }

        for (; i < length; i++)
        {
            var sum = 0f;
            for (var k = 0; k < taps; k++)
            {
                sum += weights[k] * Unsafe.Add(ref src, k * stride + i);
            }

            Unsafe.Add(ref dst, i) = sum;
        }
    }

    /// <summary>
    /// The crop's columns from the vertical pass's rows, one pixel (R, G, B and a spare lane) a vector, clamped,
    /// normalised and scattered into the three planes.
    /// </summary>
    private static void HorizontalPass(float[] rows, int stride, ResampleWeights columns, int x0, Span<float> destination,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, int crop)
    {
        var plane = crop * crop;
        var scaleVector = Vector128.Create(scale[0], scale[1], scale[2], 0f);
        var biasVector = Vector128.Create(bias[0], bias[1], bias[2], 0f);
        var max = Vector128.Create(255f);
        var weights = columns.Weights;
        var taps = columns.Taps;
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var offsets = new int[crop];
        for (var x = 0; x < crop; x++)
        {
            offsets[x] = (columns.Start[x] - x0) * 3;
            if (offsets[x] + (columns.Count[x] - 1) * 3 + 4 > stride)
            {
                throw new InvalidOperationException("Column weights reach past the row.");
            }
        }

        for (var y = 0; y < crop; y++)
        {
            ref var row = ref rows[y * stride];
            for (var x = 0; x < crop; x++)
            {
                ref var pixel = ref Unsafe.Add(ref row, offsets[x]);
                ref var w = ref weights[x * taps];
                var sum = Vector128<float>.Zero;
                for (var k = 0; k < columns.Count[x]; k++)
                {
                    sum = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pixel, (nuint)(k * 3)), Vector128.Create(Unsafe.Add(ref w, k)), sum);
                }

                var value = Vector128.MultiplyAddEstimate(Vector128.Clamp(sum, Vector128<float>.Zero, max), scaleVector, biasVector);
                var i = y * crop + x;
                Unsafe.Add(ref dst, i) = value.GetElement(0);
                Unsafe.Add(ref dst, plane + i) = value.GetElement(1);
                Unsafe.Add(ref dst, 2 * plane + i) = value.GetElement(2);
            }
        }
    }
}
