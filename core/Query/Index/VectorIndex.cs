using System.Runtime.CompilerServices;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// Exact cosine search over L2-normalised vectors held as one row-major matrix: every row is scored with a SIMD dot
/// product, rows split across cores for large indexes, and the best k kept in a small heap. Right for catalogs up
/// to tens of thousands of products; <see cref="CompactVectorIndex"/> takes over beyond.
/// </summary>
public sealed class VectorIndex : IVectorIndex
{
    private const int RowsPerTask = 4096;

    // Rows scored at once into a stack buffer before the best are kept.
    private const int ScoresPerBlock = 64;

    private readonly RowMatrix<float> _rows;
    private readonly float[]? _array;

    public VectorIndex(VectorRows vectors)
        : this(new RowMatrix<float>((vectors ?? throw new ArgumentNullException(nameof(vectors))).Array, vectors.Dimension))
    {
        _array = vectors.Array;
    }

    public VectorIndex(RowMatrix<float> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _rows = rows;
        Dimension = rows.Width;
        Count = rows.Rows;
    }

    public int Dimension { get; }

    public int Count { get; }

    /// <summary>A row of an index made from an array (a copy for one over a mapped file).</summary>
    public ReadOnlySpan<float> Vector(int row)
    {
        if (_array is not null)
        {
            return _array.AsSpan(row * Dimension, Dimension);
        }

        var copy = new float[Dimension];
        _rows.CopyRow(row, copy);
        return copy;
    }

    public void CopyVector(int row, Span<float> destination) => _rows.CopyRow(row, destination);

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, Func<int, bool>? include = null)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"The query has {query.Length} components; the index {Dimension}.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        using var lease = _rows.Acquire();
        unsafe
        {
            var rows = (nint)lease.Pointer;
            if (Count <= RowsPerTask)
            {
                return Scan(query, rows, 0, Count, k, include).ToSortedList();
            }

            var q = query.ToArray();
            var parts = (Count + RowsPerTask - 1) / RowsPerTask;
            var heaps = new TopHits[parts];
            Parallel.For(0, parts, part =>
            {
                var start = part * RowsPerTask;
                heaps[part] = Scan(q, rows, start, Math.Min(Count, start + RowsPerTask), k, include);
            });
            var merged = new TopHits(k);
            foreach (var heap in heaps)
            {
                foreach (var hit in heap.Items)
                {
                    merged.Offer(hit.Row, hit.Score);
                }
            }

            return merged.ToSortedList();
        }
    }

    // Fully optimised at once, not left to tiered compilation (see CompactVectorIndex).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe TopHits Scan(ReadOnlySpan<float> query, nint rows, int start, int end, int k, Func<int, bool>? include)
    {
        var top = new TopHits(k);
        var dimension = Dimension;
        if (include is not null)
        {
            // A filter scores only the rows it admits; DenseMath.Dot gives each the float the block kernel would.
            for (var row = start; row < end; row++)
            {
                if (include(row))
                {
                    top.Offer(row, DenseMath.Dot(new ReadOnlySpan<float>((float*)rows + ((long)row * dimension), dimension), query));
                }
            }

            return top;
        }

        Span<float> scores = stackalloc float[ScoresPerBlock];
        for (var first = start; first < end; first += ScoresPerBlock)
        {
            var count = Math.Min(ScoresPerBlock, end - first);
            DenseMath.MultiplyVector(new ReadOnlySpan<float>((float*)rows + ((long)first * dimension), count * dimension), query, scores[..count]);
            for (var i = 0; i < count; i++)
            {
                top.Offer(first + i, scores[i]);
            }
        }

        return top;
    }
}
