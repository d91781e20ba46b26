namespace ImageSearch.Core.Postgres;

/// <summary>
/// The vector database did not answer (down, restarting, unreachable, out of connections) even after the retries:
/// the request cannot be served now and may succeed later (the API answers 503 with Retry-After).
/// </summary>
public sealed class VectorStoreUnavailableException : Exception
{
    public VectorStoreUnavailableException()
        : this("The vector database is unavailable.")
    {
    }

    public VectorStoreUnavailableException(string message)
        : base(message)
    {
    }

    public VectorStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
