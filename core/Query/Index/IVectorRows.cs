namespace ImageSearch.Core.Query.Index;

/// <summary>Stored float32 vectors read one row at a time (the exact rescoring of a compact search).</summary>
public interface IVectorRows
{
    int Rows { get; }

    int Width { get; }

    void CopyRow(int row, Span<float> destination);

    /// <summary>Says which rows are about to be read, so that rows not in memory can be fetched all at once.</summary>
    void Prefetch(ReadOnlySpan<int> rows);
}
