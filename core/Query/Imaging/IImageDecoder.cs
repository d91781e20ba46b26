namespace ImageSearch.Core.Query.Imaging;

/// <summary>What a decoder learns from the header alone, without decoding pixels.</summary>
/// <param name="Width">Stored width, before EXIF orientation.</param>
/// <param name="Height">Stored height, before EXIF orientation.</param>
/// <param name="Orientation">EXIF orientation tag, 1 (upright) to 8; 1 when absent.</param>
public readonly record struct ImageInfo(ImageFormat Format, int Width, int Height, int Orientation = 1)
{
    public long PixelCount => (long)Width * Height;
}

/// <summary>Options of one decode call.</summary>
public sealed record DecodeOptions
{
    public static DecodeOptions Default { get; } = new();

    /// <summary>Images with more pixels than this are refused before decoding (default 40 MP).</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>
    /// When set, a decoder that can decode at a reduced scale cheaply (JPEG DCT scaling) may return a smaller image,
    /// as long as its shorter side stays at least this long. Null: full size.
    /// </summary>
    public int? MinShortSide { get; init; }
}

/// <summary>Turns encoded image bytes into upright RGB pixels (EXIF orientation applied, alpha composited on white).</summary>
public interface IImageDecoder
{
    /// <summary>Reads format, size and orientation from the header. Throws <see cref="ImageDecodeException"/>.</summary>
    ImageInfo Identify(ReadOnlySpan<byte> data);

    /// <summary>Decodes the image. Throws <see cref="ImageDecodeException"/>; never any other exception for bad bytes.</summary>
    RgbImage Decode(ReadOnlySpan<byte> data, DecodeOptions? options = null);
}
