namespace ImageSearch.SampleCatalog;

/// <summary>The sample catalog could not be made; the message says why (a source, a file, a hash) for the user.</summary>
public sealed class SampleCatalogException : Exception
{
    public SampleCatalogException()
    {
    }

    public SampleCatalogException(string message)
        : base(message)
    {
    }

    public SampleCatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
