namespace ImageSearch.Core.Query.Embedding;

/// <summary>The space a query vector is in, which decides whether the index's metric head still applies to it.</summary>
public enum EmbeddingSpace
{
    /// <summary>
    /// The feature model's output, L2-normalised: what <see cref="IImageEmbedder"/> makes of a photo and what a caller
    /// computes on its own device. An index with a metric head projects it before the scan.
    /// </summary>
    Features,

    /// <summary>
    /// The space the index searches: its stored vectors, after its metric head when it has one (the features themselves
    /// when it has none). Scanned as it is.
    /// </summary>
    Searched,
}

/// <summary>
/// One query vector and the space it is in, labelled where the vector is made (the embedder's output, an API request's
/// body, a product's stored vector), so that a search never has to guess the space from the vector's length.
/// </summary>
/// <remarks>Takes the array it is given without copying it; whoever makes it must not change that array afterwards.</remarks>
public sealed class QueryEmbedding
{
    private readonly float[] _vector;

    private QueryEmbedding(float[] vector, EmbeddingSpace space)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.Length == 0)
        {
            throw new ArgumentException("A query vector has at least one component.", nameof(vector));
        }

        _vector = vector;
        Space = space;
    }

    /// <summary>A feature vector from the feature model (an embedder's output, or the same computed by the caller).</summary>
    public static QueryEmbedding Features(float[] vector) => new(vector, EmbeddingSpace.Features);

    /// <summary>A vector already in the index's searched space (a product's stored vector).</summary>
    public static QueryEmbedding Searched(float[] vector) => new(vector, EmbeddingSpace.Searched);

    public EmbeddingSpace Space { get; }

    public ReadOnlyMemory<float> Vector => _vector;

    public int Dimension => _vector.Length;

    public override string ToString() => $"{Dimension}-d {(Space == EmbeddingSpace.Features ? "feature vector" : "vector in the searched space")}";
}
