using System.Buffers;
using ImageSearch.Core.Imaging.Native;
using static ImageSearch.Core.Imaging.Native.TurboJpegNative;

namespace ImageSearch.Core.Imaging;

/// <summary>
/// JPEG through TurboJPEG (a stand-in for SkiaSharp/ImageSharp, which this package source lacks): baseline,
/// progressive, greyscale, RGB, CMYK and YCCK (Adobe, inverted). Reads the header and checks the pixel limit before
/// allocating; with <see cref="DecodeOptions.MinShortSide"/> it scales in the DCT domain (1/8, 1/4, 1/2).
/// A premature end of data is corrupt; other libjpeg warnings (extraneous bytes...) are tolerated.
/// Stateless and thread-safe: each call uses its own TurboJPEG handle.
/// </summary>
public sealed class JpegDecoder : IImageDecoder
{
    private const int DecodeFlags = TJFLAG_LIMITSCANS;

    private static readonly Lazy<ScalingFactor[]> DownscalingFactors = new(LoadDownscalingFactors);

    public ImageInfo Identify(ReadOnlySpan<byte> data)
    {
        EnsureJpeg(data);
        var handle = CreateHandle();
        try
        {
            var header = ReadHeader(handle, data);
            return new ImageInfo(ImageFormat.Jpeg, header.Width, header.Height, ExifOrientationReader.Read(ImageFormat.Jpeg, data));
        }
        finally
        {
            _ = tjDestroy(handle);
        }
    }

    public RgbImage Decode(ReadOnlySpan<byte> data, DecodeOptions? options = null)
    {
        options = DecodeLimits.Validate(options);
        EnsureJpeg(data);
        var image = DecodeStored(data, options);
        return ImageOrientation.Apply(image, ExifOrientationReader.Read(ImageFormat.Jpeg, data));
    }

    /// <summary>
    /// The scaling factor TurboJPEG should use: the smallest of 1/2, 1/4 and 1/8 whose scaled shorter side is still at
    /// least <paramref name="minShortSide"/>; 1/1 when none is set or none qualifies. Only these three: libjpeg-turbo
    /// has fast reduced IDCTs for them, while 3/8, 5/8, 3/4 and 7/8 decode slower than full size.
    /// </summary>
    internal static (int Width, int Height) ScaledSize(int width, int height, int? minShortSide)
    {
        if (minShortSide is not { } min)
        {
            return (width, height);
        }

        (int Width, int Height) best = (width, height);
        foreach (var factor in DownscalingFactors.Value)
        {
            int w = factor.Scale(width), h = factor.Scale(height);
            if (Math.Min(w, h) >= min && (long)w * h < (long)best.Width * best.Height)
            {
                best = (w, h);
            }
        }

        return best;
    }

    private static unsafe RgbImage DecodeStored(ReadOnlySpan<byte> data, DecodeOptions options)
    {
        var handle = CreateHandle();
        try
        {
            var header = ReadHeader(handle, data);
            DecodeLimits.EnsureAllowed(ImageFormat.Jpeg, header.Width, header.Height, options);
            var (width, height) = ScaledSize(header.Width, header.Height, options.MinShortSide);
            var cmyk = header.Colorspace is TJCS_CMYK or TJCS_YCCK;
            var image = new RgbImage(width, height);
            try
            {
                if (cmyk)
                {
                    DecodeCmyk(handle, data, image);
                }
                else
                {
                    fixed (byte* src = data)
                    fixed (byte* dst = image.Pixels)
                    {
                        Check(handle, tjDecompress2(handle, src, (nuint)data.Length, dst, width, width * 3, height, TJPF_RGB, DecodeFlags));
                    }
                }

                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
        finally
        {
            _ = tjDestroy(handle);
        }
    }

    /// <summary>
    /// CMYK and YCCK decode to CMYK; Adobe writers store the channels inverted (as Pillow assumes), so with the
    /// stored values R = C * K / 255, G = M * K / 255, B = Y * K / 255.
    /// </summary>
    private static unsafe void DecodeCmyk(nint handle, ReadOnlySpan<byte> data, RgbImage image)
    {
        var length = image.Width * image.Height * 4;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            fixed (byte* src = data)
            fixed (byte* dst = buffer)
            {
                Check(handle, tjDecompress2(handle, src, (nuint)data.Length, dst, image.Width, image.Width * 4, image.Height, TJPF_CMYK, DecodeFlags));
            }

            var cmyk = buffer.AsSpan(0, length);
            var rgb = image.Pixels;
            for (int i = 0, o = 0; i < cmyk.Length; i += 4, o += 3)
            {
                int k = cmyk[i + 3];
                rgb[o] = (byte)(((cmyk[i] * k) + 127) / 255);
                rgb[o + 1] = (byte)(((cmyk[i + 1] * k) + 127) / 255);
                rgb[o + 2] = (byte)(((cmyk[i + 2] * k) + 127) / 255);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static unsafe (int Width, int Height, int Subsampling, int Colorspace) ReadHeader(nint handle, ReadOnlySpan<byte> data)
    {
        int width, height, subsampling, colorspace;
        fixed (byte* src = data)
        {
            if (tjDecompressHeader3(handle, src, (nuint)data.Length, out width, out height, out subsampling, out colorspace) != 0
                && (tjGetErrorCode(handle) != TJERR_WARNING || width <= 0 || height <= 0))
            {
                throw Corrupt("JPEG header is unreadable: " + ErrorText(handle));
            }
        }

        if (width <= 0 || height <= 0)
        {
            throw Corrupt($"JPEG header declares an empty image ({width}x{height}).");
        }

        return (width, height, subsampling, colorspace);
    }

    /// <summary>Turns a failed tjDecompress2 into Corrupt, except for warnings other than a premature end of data.</summary>
    private static void Check(nint handle, int result)
    {
        if (result == 0)
        {
            return;
        }

        var message = ErrorText(handle);
        if (tjGetErrorCode(handle) == TJERR_WARNING && !message.Contains("premature end", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        throw Corrupt("JPEG data is corrupt or truncated: " + message);
    }

    private static nint CreateHandle()
    {
        var handle = tjInitDecompress();
        return handle != 0 ? handle : throw new InvalidOperationException("TurboJPEG could not create a decompressor: " + ErrorText(0));
    }

    private static void EnsureJpeg(ReadOnlySpan<byte> data)
    {
        var format = ImageFormatDetector.Detect(data);
        if (format != ImageFormat.Jpeg)
        {
            throw DecodeLimits.WrongFormat(ImageFormat.Jpeg, format);
        }
    }

    private static ImageDecodeException Corrupt(string message) => new(ImageDecodeError.Corrupt, ImageFormat.Jpeg, message);

    private static unsafe ScalingFactor[] LoadDownscalingFactors()
    {
        var factors = tjGetScalingFactors(out var count);
        if (factors is null || count <= 0)
        {
            return [];
        }

        return new ReadOnlySpan<ScalingFactor>(factors, count).ToArray()
            .Where(f => f.Num == 1 && f.Denom is 2 or 4 or 8)
            .ToArray();
    }
}
