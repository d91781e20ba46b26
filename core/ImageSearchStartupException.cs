namespace ImageSearch.Core;

/// <summary>
/// The base of the engine's exceptions for a file it was given that cannot be used as it is (a malformed catalog, an
/// index that is missing, damaged or built with another model); the message names the file and says what to do.
/// A host that meets one while starting stops with that message: it catches this one type, not a list of them.
/// </summary>
public class ImageSearchStartupException : Exception
{
    public ImageSearchStartupException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
