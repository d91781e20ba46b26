namespace ImageSearch.Core.Query.Index;

/// <summary>Top-k cosine search over the L2-normalised vectors of an index's rows.</summary>
public interface IVectorIndex
{
    int Dimension { get; }

    int Count { get; }

    /// <summary>Copies the stored (exact) vector of <paramref name="row"/>.</summary>
    void CopyVector(int row, Span<float> destination);

    /// <summary>The <paramref name="k"/> rows most similar to <paramref name="query"/>, best first (equal scores in row order); <paramref name="include"/> filters rows.</summary>
    IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, Func<int, bool>? include = null);
}
