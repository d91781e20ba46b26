namespace ImageSearch.Core.Query.Imaging;

/// <summary>An image container format, as recognised from the file's leading bytes.</summary>
public enum ImageFormat
{
    Unknown = 0,
    Jpeg,
    Png,
    Webp,
    Gif,
    Bmp,
    Tiff,
    Avif,
    Heic,
    Ico,
    Svg,
}
