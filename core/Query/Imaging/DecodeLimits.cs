namespace ImageSearch.Core.Query.Imaging;

/// <summary>Checks shared by the format decoders: options, header sizes and the pixel limit.</summary>
internal static class DecodeLimits
{
    public static DecodeOptions Validate(DecodeOptions? options)
    {
        options ??= DecodeOptions.Default;
        if (options.MaxPixels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxPixels, "MaxPixels must be positive.");
        }

        if (options.MinShortSide is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MinShortSide, "MinShortSide must be positive when set.");
        }

        return options;
    }

    /// <summary>
    /// Refuses a header size before anything is allocated for it: non-positive sizes are corrupt; more pixels than
    /// <see cref="DecodeOptions.MaxPixels"/>, or more than a managed buffer of <paramref name="bytesPerPixel"/> can hold, are too large.
    /// </summary>
    public static void EnsureAllowed(ImageFormat format, long width, long height, DecodeOptions options, int bytesPerPixel = 4)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ImageDecodeException(ImageDecodeError.Corrupt, format, $"{Name(format)} header declares an empty image ({width}x{height}).");
        }

        var pixels = width * height;
        if (pixels > options.MaxPixels || pixels * bytesPerPixel > Array.MaxLength)
        {
            throw new ImageDecodeException(
                ImageDecodeError.TooLarge,
                format,
                $"{Name(format)} image is {width}x{height} ({pixels:N0} pixels); the limit is {options.MaxPixels:N0} pixels.");
        }
    }

    public static string Name(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.Webp => "WebP",
        ImageFormat.Gif => "GIF",
        ImageFormat.Bmp => "BMP",
        ImageFormat.Tiff => "TIFF",
        ImageFormat.Avif => "AVIF",
        ImageFormat.Heic => "HEIC",
        ImageFormat.Ico => "ICO",
        ImageFormat.Svg => "SVG",
        _ => "Unknown",
    };

    /// <summary>What the decoders accept, for messages that say what to use instead.</summary>
    public const string SupportedFormats = "JPEG, PNG, WebP, GIF or BMP";

    /// <summary>The refusal of bytes in a format no decoder here reads (or not an image at all).</summary>
    public static ImageDecodeException Unsupported(ImageFormat format, int length) => format switch
    {
        ImageFormat.Unknown when length < ImageFormatDetector.MinimumLength => new(
            ImageDecodeError.UnsupportedFormat,
            format,
            length == 0 ? "Image data is empty." : $"Image data is empty or too short ({length} bytes) to be an image."),
        ImageFormat.Unknown => new(ImageDecodeError.UnsupportedFormat, format, $"Unrecognised image format; use {SupportedFormats}."),
        _ => new(ImageDecodeError.UnsupportedFormat, format, $"{Name(format)} images are not supported; use {SupportedFormats}."),
    };

    public static ImageDecodeException WrongFormat(ImageFormat expected, ImageFormat actual) => new(
        ImageDecodeError.UnsupportedFormat,
        actual,
        $"Expected {Name(expected)} data, got {(actual == ImageFormat.Unknown ? "unrecognised data" : Name(actual) + " data")}.");
}
