using System.Buffers;
using static ImageSearch.Core.Imaging.Native.LibWebpNative;

namespace ImageSearch.Core.Imaging;

/// <summary>
/// WebP through libwebp (a stand-in for SkiaSharp/ImageSharp, which this package source lacks): lossy, lossless,
/// with or without alpha (composited on white). Animated WebP is refused as unsupported. Stateless and thread-safe.
/// </summary>
public sealed class WebpDecoder : IImageDecoder
{
    public ImageInfo Identify(ReadOnlySpan<byte> data)
    {
        var features = ReadFeatures(data);
        return new ImageInfo(ImageFormat.Webp, features.Width, features.Height, ExifOrientationReader.Read(ImageFormat.Webp, data));
    }

    public RgbImage Decode(ReadOnlySpan<byte> data, DecodeOptions? options = null)
    {
        options = DecodeLimits.Validate(options);
        var features = ReadFeatures(data);
        if (features.HasAnimation != 0)
        {
            throw new ImageDecodeException(
                ImageDecodeError.UnsupportedFormat, ImageFormat.Webp, "Animated WebP images are not supported; use a still JPEG, PNG or WebP.");
        }

        DecodeLimits.EnsureAllowed(ImageFormat.Webp, features.Width, features.Height, options);
        var image = new RgbImage(features.Width, features.Height);
        try
        {
            if (features.HasAlpha != 0)
            {
                DecodeWithAlpha(data, image);
            }
            else
            {
                DecodeOpaque(data, image);
            }
        }
        catch
        {
            image.Dispose();
            throw;
        }

        return ImageOrientation.Apply(image, ExifOrientationReader.Read(ImageFormat.Webp, data));
    }

    private static unsafe void DecodeOpaque(ReadOnlySpan<byte> data, RgbImage image)
    {
        var pixels = image.Pixels;
        fixed (byte* src = data)
        fixed (byte* dst = pixels)
        {
            if (WebPDecodeRGBInto(src, (nuint)data.Length, dst, (nuint)pixels.Length, image.Stride) is null)
            {
                throw Corrupt();
            }
        }
    }

    private static unsafe void DecodeWithAlpha(ReadOnlySpan<byte> data, RgbImage image)
    {
        var length = image.Width * image.Height * 4;
        var rgba = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            fixed (byte* src = data)
            fixed (byte* dst = rgba)
            {
                if (WebPDecodeRGBAInto(src, (nuint)data.Length, dst, (nuint)length, image.Width * 4) is null)
                {
                    throw Corrupt();
                }
            }

            AlphaCompositor.CompositeOnWhite(rgba.AsSpan(0, length), image.Pixels);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    private static unsafe BitstreamFeatures ReadFeatures(ReadOnlySpan<byte> data)
    {
        var format = ImageFormatDetector.Detect(data);
        if (format != ImageFormat.Webp)
        {
            throw DecodeLimits.WrongFormat(ImageFormat.Webp, format);
        }

        BitstreamFeatures features;
        int status;
        fixed (byte* src = data)
        {
            status = WebPGetFeaturesInternal(src, (nuint)data.Length, &features, WEBP_DECODER_ABI_VERSION);
        }

        if (status != VP8_STATUS_OK)
        {
            throw new ImageDecodeException(
                ImageDecodeError.Corrupt,
                ImageFormat.Webp,
                status == VP8_STATUS_NOT_ENOUGH_DATA ? "WebP data is truncated." : $"WebP header is unreadable (VP8 status {status}).");
        }

        if (features.Width <= 0 || features.Height <= 0)
        {
            throw new ImageDecodeException(ImageDecodeError.Corrupt, ImageFormat.Webp, "WebP header declares an empty image.");
        }

        return features;
    }

    private static ImageDecodeException Corrupt() =>
        new(ImageDecodeError.Corrupt, ImageFormat.Webp, "WebP data is corrupt or truncated.");
}
