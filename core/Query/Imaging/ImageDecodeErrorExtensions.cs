namespace ImageSearch.Core.Query.Imaging;

public static class ImageDecodeErrorExtensions
{
    /// <summary>A few words for people: "unsupported format", "corrupt image", "image too large".</summary>
    public static string Describe(this ImageDecodeError error) => error switch
    {
        ImageDecodeError.UnsupportedFormat => "unsupported format",
        ImageDecodeError.TooLarge => "image too large",
        _ => "corrupt image",
    };
}
