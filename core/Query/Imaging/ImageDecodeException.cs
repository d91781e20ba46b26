namespace ImageSearch.Core.Query.Imaging;

/// <summary>Why an image could not be turned into pixels. Hosts map each kind to its own answer (415, 422...).</summary>
public enum ImageDecodeError
{
    /// <summary>Not an image, or a format this build does not decode (GIF, AVIF, SVG...).</summary>
    UnsupportedFormat,

    /// <summary>Recognised format, but truncated or corrupt.</summary>
    Corrupt,

    /// <summary>Width x height exceed the configured pixel limit (checked from the header, before decoding).</summary>
    TooLarge,
}

public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(ImageDecodeError error, ImageFormat format, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Format = format;
    }

    public ImageDecodeError Error { get; }

    public ImageFormat Format { get; }
}
