using System.Runtime.InteropServices;
using ImageSearch.Core.Query.Imaging.Native;
using static ImageSearch.Core.Query.Imaging.Native.TurboJpegNative;

namespace ImageSearch.Core.Query.Imaging;

/// <summary>
/// JPEG through the system's libjpeg-turbo (<c>libturbojpeg.so.0</c>), an accelerator for
/// <see cref="SkiaImageDecoder"/>: the same pixels (baseline, progressive, greyscale, RGB, CMYK and YCCK, full size
/// or reduced to 1/2, 1/4, 1/8 in the DCT domain), two to three times faster because the system library has its SIMD
/// kernels and the copy inside SkiaSharp does not. <see cref="ImageDecoder"/> uses it where <see cref="IsAvailable"/>.
/// Reads the header and checks the pixel limit before allocating; progressive files of more than 500 scans are
/// refused. A premature end of data is corrupt; other libjpeg warnings (extraneous bytes...) are tolerated.
/// Stateless and thread-safe: each call uses its own TurboJPEG handle.
/// </summary>
public sealed class TurboJpegDecoder : IImageDecoder
{
    private const int DecodeFlags = TJFLAG_LIMITSCANS;

    private static readonly Lazy<bool> Available = new(() => NativeLibrary.TryLoad(Native.TurboJpegNative.Library, out _));

    /// <summary>Whether the system's libjpeg-turbo can be loaded here.</summary>
    public static bool IsAvailable => Available.Value;

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

    /// <summary>The size TurboJPEG decodes to: <see cref="JpegScaling.ScaledSize"/> of the header's size.</summary>
    internal static (int Width, int Height) ScaledSize(int width, int height, int? minShortSide) => JpegScaling.ScaledSize(width, height, minShortSide);

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
        using var buffer = PixelBuffer.Rent(length);
        fixed (byte* src = data)
        fixed (byte* dst = buffer.Span)
        {
            Check(handle, tjDecompress2(handle, src, (nuint)data.Length, dst, image.Width, image.Width * 4, image.Height, TJPF_CMYK, DecodeFlags));
        }

        var cmyk = buffer.Span;
        var rgb = image.Pixels;
        for (int i = 0, o = 0; i < cmyk.Length; i += 4, o += 3)
        {
            int k = cmyk[i + 3];
            rgb[o] = (byte)(((cmyk[i] * k) + 127) / 255);
            rgb[o + 1] = (byte)(((cmyk[i + 1] * k) + 127) / 255);
            rgb[o + 2] = (byte)(((cmyk[i + 2] * k) + 127) / 255);
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
}
