using System.Numerics.Tensors;

namespace ImageSearch.Core.Search;

/// <summary>
/// Exact cosine search over L2-normalised vectors held as one row-major matrix: every row is scored with a SIMD dot
/// product, rows split across cores for large indexes, and the best k kept in a small heap.
/// </summary>
public sealed class VectorIndex
{
    private const int RowsPerTask = 4096;

    private readonly float[] _vectors;

    public VectorIndex(float[] vectors, int dimension)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (vectors.Length % dimension != 0)
        {
            throw new ArgumentException($"{vectors.Length} components are not whole rows of {dimension}.", nameof(vectors));
        }

        _vectors = vectors;
        Dimension = dimension;
        Count = vectors.Length / dimension;
    }

    public int Dimension { get; }

    public int Count { get; }

    public ReadOnlySpan<float> Vector(int row) => _vectors.AsSpan(row * Dimension, Dimension);

    /// <summary>The <paramref name="k"/> rows most similar to <paramref name="query"/>, best first; <paramref name="include"/> filters rows.</summary>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, Func<int, bool>? include = null)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"The query has {query.Length} components; the index {Dimension}.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (Count <= RowsPerTask)
        {
            return Scan(query, 0, Count, k, include).ToSortedList();
        }

        var q = query.ToArray();
        var parts = (Count + RowsPerTask - 1) / RowsPerTask;
        var heaps = new TopK[parts];
        Parallel.For(0, parts, part =>
        {
            var start = part * RowsPerTask;
            heaps[part] = Scan(q, start, Math.Min(Count, start + RowsPerTask), k, include);
        });
        var merged = new TopK(k);
        foreach (var heap in heaps)
        {
            foreach (var hit in heap.Items)
            {
                merged.Offer(hit.Row, hit.Score);
            }
        }

        return merged.ToSortedList();
    }

    private TopK Scan(ReadOnlySpan<float> query, int start, int end, int k, Func<int, bool>? include)
    {
        var top = new TopK(k);
        for (var row = start; row < end; row++)
        {
            if (include is null || include(row))
            {
                top.Offer(row, TensorPrimitives.Dot(query, _vectors.AsSpan(row * Dimension, Dimension)));
            }
        }

        return top;
    }

    /// <summary>The k best (row, score) pairs seen so far: a min-heap on score.</summary>
    private sealed class TopK(int k)
    {
        private readonly PriorityQueue<SearchHit, (float Score, int NegativeRow)> _heap = new(k + 1);

        public IEnumerable<SearchHit> Items => _heap.UnorderedItems.Select(i => i.Element);

        public void Offer(int row, float score)
        {
            if (_heap.Count < k)
            {
                _heap.Enqueue(new SearchHit(row, score), (score, -row));
            }
            else if (_heap.TryPeek(out _, out var worst) && (score > worst.Score || (score == worst.Score && -row > worst.NegativeRow)))
            {
                _heap.DequeueEnqueue(new SearchHit(row, score), (score, -row));
            }
        }

        /// <summary>Best first; equal scores in row order, so results are deterministic.</summary>
        public List<SearchHit> ToSortedList() => [.. Items.OrderByDescending(h => h.Score).ThenBy(h => h.Row)];
    }
}
