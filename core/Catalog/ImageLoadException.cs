namespace ImageSearch.Core.Catalog;

/// <summary>A catalog image could not be read or fetched; the message is the reason shown to the catalog owner.</summary>
public sealed class ImageLoadException : Exception
{
    public ImageLoadException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
