using SkiaSharp;

namespace ImageSearch.Core.Query.Imaging;

/// <summary>
/// JPEG, PNG, WebP, GIF and BMP through SkiaSharp's <see cref="SKCodec"/>. The header is read (and the pixel limit
/// checked) before any pixel buffer exists; JPEG decodes at 1/2, 1/4 or 1/8 in the DCT domain when
/// <see cref="DecodeOptions.MinShortSide"/> allows; pixels are decoded as stored, without colour-space conversion
/// (an embedded profile is ignored, as the model was trained); alpha is composited on white; EXIF orientation is
/// applied (read by <see cref="ExifOrientationReader"/>, which also knows PNG's eXIf chunk, unlike Skia); animated
/// images give their first frame. Anything but a complete decode is
/// <see cref="ImageDecodeError.Corrupt"/>. Stateless and thread-safe: each call has its own codec.
/// </summary>
public sealed class SkiaImageDecoder : IImageDecoder
{
    public unsafe ImageInfo Identify(ReadOnlySpan<byte> data)
    {
        var format = EnsureSupported(data);

        // Skia reads the caller's bytes in place: they stay pinned until the codec and its data are disposed.
        fixed (byte* bytes = data)
        {
            using var skData = SKData.Create((nint)bytes, data.Length);
            using var codec = Open(skData, format);
            return new ImageInfo(format, codec.Info.Width, codec.Info.Height, ExifOrientationReader.Read(format, data));
        }
    }

    public unsafe RgbImage Decode(ReadOnlySpan<byte> data, DecodeOptions? options = null)
    {
        options = DecodeLimits.Validate(options);
        var format = EnsureSupported(data);
        fixed (byte* bytes = data)
        {
            using var skData = SKData.Create((nint)bytes, data.Length);
            using var codec = Open(skData, format);
            var info = codec.Info;
            DecodeLimits.EnsureAllowed(format, info.Width, info.Height, options);
            var (width, height) = format == ImageFormat.Jpeg ? ScaledSize(codec, options.MinShortSide) : (info.Width, info.Height);
            var image = DecodePixels(codec, format, width, height, info.AlphaType != SKAlphaType.Opaque);
            return ImageOrientation.Apply(image, ExifOrientationReader.Read(format, data));
        }
    }

    /// <summary>The formats this decoder reads, as recognised from the bytes.</summary>
    public static bool Supports(ImageFormat format) => format is ImageFormat.Jpeg or ImageFormat.Png or ImageFormat.Webp or ImageFormat.Gif or ImageFormat.Bmp;

    /// <summary>The reduced JPEG size <see cref="JpegScaling"/> chooses, as Skia's libjpeg produces it.</summary>
    private static (int Width, int Height) ScaledSize(SKCodec codec, int? minShortSide)
    {
        var denominator = JpegScaling.Denominator(codec.Info.Width, codec.Info.Height, minShortSide);
        var size = codec.GetScaledDimensions(1f / denominator);
        return (size.Width, size.Height);
    }

    private static unsafe RgbImage DecodePixels(SKCodec codec, ImageFormat format, int width, int height, bool hasAlpha)
    {
        // Skia decodes to no packed 3-byte RGB: decode to RGBA (unpremultiplied when there is alpha, so that it is
        // composited on white as Pillow does), then pack. No colour space: the stored values, unconverted.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, hasAlpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var length = checked(width * height * 4);
        using var pixels = PixelBuffer.Rent(length);
        SKCodecResult result;
        fixed (byte* destination = pixels.Span)
        {
            result = codec.GetPixels(info, (nint)destination, width * 4, new SKCodecOptions(0));
        }

        if (result != SKCodecResult.Success)
        {
            throw new ImageDecodeException(ImageDecodeError.Corrupt, format, $"{DecodeLimits.Name(format)} data is {Describe(result)}.");
        }

        var image = new RgbImage(width, height);
        if (hasAlpha)
        {
            AlphaCompositor.CompositeOnWhite(pixels.Span, image.Pixels);
        }
        else
        {
            PackRgb(pixels.Span, image.Pixels);
        }

        return image;
    }

    private static void PackRgb(ReadOnlySpan<byte> rgbx, Span<byte> rgb)
    {
        for (int i = 0, o = 0; i < rgbx.Length; i += 4, o += 3)
        {
            rgb[o] = rgbx[i];
            rgb[o + 1] = rgbx[i + 1];
            rgb[o + 2] = rgbx[i + 2];
        }
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput => "truncated or corrupt",
        SKCodecResult.InvalidInput => "corrupt",
        _ => $"unreadable ({result})",
    };

    private static ImageFormat EnsureSupported(ReadOnlySpan<byte> data)
    {
        var format = ImageFormatDetector.Detect(data);
        return Supports(format) ? format : throw DecodeLimits.Unsupported(format, data.Length);
    }

    private static SKCodec Open(SKData data, ImageFormat format) =>
        SKCodec.Create(data)
        ?? throw new ImageDecodeException(ImageDecodeError.Corrupt, format, $"{DecodeLimits.Name(format)} header is unreadable or the data is truncated.");
}
