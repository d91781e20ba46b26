namespace ImageSearch.Core.Query.Imaging;

/// <summary>
/// The decoder the engine uses: recognises the format from the bytes and decodes JPEG, PNG, WebP, GIF and BMP with
/// SkiaSharp (<see cref="SkiaImageDecoder"/>), except JPEG where the system's libjpeg-turbo is present: its SIMD
/// decoder (<see cref="TurboJpegDecoder"/>) gives the same pixels two to three times faster. Everything else is
/// refused as <see cref="ImageDecodeError.UnsupportedFormat"/>. Only <see cref="ImageDecodeException"/> leaves it for
/// any input bytes (and <see cref="ArgumentException"/> for bad options). Thread-safe.
/// </summary>
public sealed class ImageDecoder : IImageDecoder
{
    private readonly SkiaImageDecoder _skia = new();
    private readonly IImageDecoder _jpeg;

    /// <summary>Uses libjpeg-turbo for JPEG when the system has it.</summary>
    public ImageDecoder()
        : this(TurboJpegDecoder.IsAvailable)
    {
    }

    /// <summary>With <paramref name="useSystemJpeg"/> false, SkiaSharp decodes JPEG too.</summary>
    public ImageDecoder(bool useSystemJpeg)
    {
        _jpeg = useSystemJpeg ? new TurboJpegDecoder() : _skia;
        JpegDecoderName = useSystemJpeg ? "libjpeg-turbo (system, SIMD)" : "SkiaSharp";
    }

    /// <summary>Which library decodes JPEG, for the start-up log.</summary>
    public string JpegDecoderName { get; }

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
            _ when SkiaImageDecoder.Supports(format) => _skia,
            _ => throw DecodeLimits.Unsupported(format, data.Length),
        };
    }
}
