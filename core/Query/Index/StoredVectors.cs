namespace ImageSearch.Core.Query.Index;

/// <summary>The rows of an index file: ids and their vectors as one row-major matrix.</summary>
public sealed class StoredVectors
{
    public StoredVectors(IReadOnlyList<string> ids, float[] vectors, int dimension)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Length != ids.Count * dimension)
        {
            throw new ArgumentException($"{ids.Count} ids need {ids.Count * dimension} components; got {vectors.Length}.", nameof(vectors));
        }

        Ids = ids;
        Vectors = vectors;
        Dimension = dimension;
    }

    public IReadOnlyList<string> Ids { get; }

    public float[] Vectors { get; }

    public int Dimension { get; }

    public int Count => Ids.Count;

    public ReadOnlySpan<float> Vector(int row) => Vectors.AsSpan(row * Dimension, Dimension);
}
