namespace ImageSearch.Core.Query.Index;

/// <summary>An index file is missing, malformed, or does not match its metadata.</summary>
public class IndexFormatException : ImageSearchStartupException
{
    public IndexFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The index was built with another model, preprocessing or dimension than the one asked to use it.</summary>
public sealed class IndexMismatchException : IndexFormatException
{
    public IndexMismatchException(string message)
        : base(message)
    {
    }
}
