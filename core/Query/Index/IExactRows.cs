namespace ImageSearch.Core.Query.Index;

/// <summary>
/// Stored float32 vectors that the exact rescoring of a compact search reads one row at a time, wherever they are (an
/// index file read on demand, or a <see cref="RowMatrix{T}"/> in memory). Vectors passed between components as a value
/// are <see cref="LinearAlgebra.VectorRows"/>.
/// </summary>
public interface IExactRows
{
    int Rows { get; }

    int Width { get; }

    void CopyRow(int row, Span<float> destination);

    /// <summary>Says which rows are about to be read, so that rows not in memory can be fetched all at once.</summary>
    void Prefetch(ReadOnlySpan<int> rows);
}
