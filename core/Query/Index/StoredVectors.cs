using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Query.Index;

/// <summary>The rows of an index file: ids and their vectors, one row each.</summary>
public sealed class StoredVectors
{
    public StoredVectors(IReadOnlyList<string> ids, VectorRows rows)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count != ids.Count)
        {
            throw new ArgumentException($"{ids.Count} ids need as many vectors; got {rows}.", nameof(rows));
        }

        Ids = ids;
        Rows = rows;
    }

    public IReadOnlyList<string> Ids { get; }

    public VectorRows Rows { get; }

    public int Dimension => Rows.Dimension;

    public int Count => Ids.Count;

    public ReadOnlySpan<float> Vector(int row) => Rows.Row(row);
}
