namespace ImageSearch.Core.Imaging;

/// <summary>
/// The decoder the engine uses: recognises the format from the bytes, decodes JPEG, PNG and WebP (each format
/// decoder checks the pixel limit from the header before decoding and applies EXIF orientation), and refuses
/// everything else as <see cref="ImageDecodeError.UnsupportedFormat"/>. Only <see cref="ImageDecodeException"/>
/// leaves it for any input bytes (and <see cref="ArgumentException"/> for bad options). Thread-safe.
/// </summary>
public sealed class ImageDecoder : IImageDecoder
{
    private readonly JpegDecoder _jpeg = new();
    private readonly PngDecoder _png = new();
    private readonly WebpDecoder _webp = new();

    public ImageInfo Identify(ReadOnlySpan<byte> data) => For(data).Identify(data);

    public RgbImage Decode(ReadOnlySpan<byte> data, DecodeOptions? options = null)
    {
        options = DecodeLimits.Validate(options);
        return For(data).Decode(data, options);
    }

    private IImageDecoder For(ReadOnlySpan<byte> data)
    {
        var format = ImageFormatDetector.Detect(data);
        return format switch
        {
            ImageFormat.Jpeg => _jpeg,
            ImageFormat.Png => _png,
            ImageFormat.Webp => _webp,
            ImageFormat.Unknown when data.Length < ImageFormatDetector.MinimumLength => throw new ImageDecodeException(
                ImageDecodeError.UnsupportedFormat,
                format,
                data.IsEmpty ? "Image data is empty." : $"Image data is empty or too short ({data.Length} bytes) to be an image."),
            ImageFormat.Unknown => throw new ImageDecodeException(
                ImageDecodeError.UnsupportedFormat, format, "Unrecognised image format; use JPEG, PNG or WebP."),
            _ => throw new ImageDecodeException(
                ImageDecodeError.UnsupportedFormat, format, $"{DecodeLimits.Name(format)} images are not supported; use JPEG, PNG or WebP."),
        };
    }
}
