using System.Buffers;
using static ImageSearch.Core.Imaging.Native.LibPngNative;

namespace ImageSearch.Core.Imaging;

/// <summary>
/// PNG through libpng's simplified API (a stand-in for SkiaSharp/ImageSharp, which this package source lacks):
/// 1- to 16-bit greyscale, truecolour and palette images, tRNS and alpha channels, interlaced or not.
/// 16-bit samples without gAMA/sRGB are read as sRGB (not linear); alpha is composited on white in sRGB space.
/// The pixel limit is checked after the header is read and before any pixel buffer exists. Stateless and thread-safe.
/// </summary>
public sealed class PngDecoder : IImageDecoder
{
    public unsafe ImageInfo Identify(ReadOnlySpan<byte> data)
    {
        EnsurePng(data);
        var png = default(PngImage);
        png.Version = PNG_IMAGE_VERSION;
        fixed (byte* src = data)
        {
            try
            {
                BeginRead(&png, src, data.Length);
                return new ImageInfo(ImageFormat.Png, (int)Math.Min(png.Width, int.MaxValue), (int)Math.Min(png.Height, int.MaxValue),
                    ExifOrientationReader.Read(ImageFormat.Png, data));
            }
            finally
            {
                png_image_free(&png);
            }
        }
    }

    public RgbImage Decode(ReadOnlySpan<byte> data, DecodeOptions? options = null)
    {
        options = DecodeLimits.Validate(options);
        EnsurePng(data);
        var image = DecodeStored(data, options);
        return ImageOrientation.Apply(image, ExifOrientationReader.Read(ImageFormat.Png, data));
    }

    private static unsafe RgbImage DecodeStored(ReadOnlySpan<byte> data, DecodeOptions options)
    {
        var png = default(PngImage);
        png.Version = PNG_IMAGE_VERSION;

        // libpng reads from this memory until png_image_free: keep it pinned for the whole call.
        fixed (byte* src = data)
        {
            try
            {
                BeginRead(&png, src, data.Length);
                DecodeLimits.EnsureAllowed(ImageFormat.Png, png.Width, png.Height, options);
                int width = (int)png.Width, height = (int)png.Height;
                var hasAlpha = (png.Format & PNG_FORMAT_FLAG_ALPHA) != 0;
                png.Format = hasAlpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
                png.Flags |= PNG_IMAGE_FLAG_16BIT_sRGB;

                var image = new RgbImage(width, height);
                try
                {
                    if (hasAlpha)
                    {
                        var length = width * height * 4;
                        var rgba = ArrayPool<byte>.Shared.Rent(length);
                        try
                        {
                            FinishRead(&png, rgba, width * 4);
                            AlphaCompositor.CompositeOnWhite(rgba.AsSpan(0, length), image.Pixels);
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(rgba);
                        }
                    }
                    else
                    {
                        fixed (byte* dst = image.Pixels)
                        {
                            Check(&png, png_image_finish_read(&png, null, dst, width * 3, null));
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
                png_image_free(&png);
            }
        }
    }

    private static unsafe void FinishRead(PngImage* png, byte[] buffer, int stride)
    {
        fixed (byte* dst = buffer)
        {
            Check(png, png_image_finish_read(png, null, dst, stride, null));
        }
    }

    private static unsafe void BeginRead(PngImage* png, byte* src, int length) =>
        Check(png, png_image_begin_read_from_memory(png, src, (nuint)length));

    /// <summary>Failures are corrupt; warnings alone (a bad ancillary chunk, an odd sRGB profile) are tolerated.</summary>
    private static unsafe void Check(PngImage* png, int result)
    {
        if (result == 0 || (png->WarningOrError & PNG_IMAGE_ERROR) != 0)
        {
            throw new ImageDecodeException(ImageDecodeError.Corrupt, ImageFormat.Png, "PNG data is corrupt or truncated: " + png->MessageText);
        }
    }

    private static void EnsurePng(ReadOnlySpan<byte> data)
    {
        var format = ImageFormatDetector.Detect(data);
        if (format != ImageFormat.Png)
        {
            throw DecodeLimits.WrongFormat(ImageFormat.Png, format);
        }
    }
}
