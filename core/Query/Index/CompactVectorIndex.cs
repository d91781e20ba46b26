using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.Intrinsics.X86;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// Search for catalogs of hundreds of thousands to millions of products, in three passes:
/// <list type="number">
/// <item>a parallel SIMD scan of every row's int8 codes on the leading principal axes (a quarter of the bytes of
/// float32 on a fifth of the axes: a twentieth of the memory traffic of an exact scan), keeping
/// <see cref="CompactSearchOptions.CoarseCandidates"/> rows;</item>
/// <item>the rest of those rows' codes added, keeping <see cref="CompactSearchOptions.ExactCandidates"/>;</item>
/// <item>an exact float32 dot product for those, from the stored vectors (read from the file row by row, so they
/// never have to fit in memory).</item>
/// </list>
/// A filter applies inside the first pass, so a filtered search ranks the matching rows with the same recall. When
/// the index (or the filter) leaves no more rows than the exact pass takes, every row is scored exactly.
/// </summary>
public sealed class CompactVectorIndex : IVectorIndex
{
    private const int RowsPerTask = 32_768;
    private const int CandidatesPerTask = 500;
    private const int RowsPerRescoringTask = 50;

    private readonly VectorQuantizer _quantizer;
    private readonly RowMatrix<sbyte> _coarse;
    private readonly RowMatrix<sbyte> _residual;
    private readonly IExactRows _exact;
    private readonly CompactSearchOptions _options;

    public CompactVectorIndex(VectorQuantizer quantizer, RowMatrix<sbyte> coarse, RowMatrix<sbyte> residual, IExactRows exact, CompactSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        ArgumentNullException.ThrowIfNull(coarse);
        ArgumentNullException.ThrowIfNull(residual);
        ArgumentNullException.ThrowIfNull(exact);
        if (exact.Width != quantizer.Dimension || coarse.Width + residual.Width != quantizer.Dimension
            || coarse.Rows != exact.Rows || residual.Rows != exact.Rows)
        {
            throw new ArgumentException(
                $"Codes of {coarse.Rows}x{coarse.Width} + {residual.Rows}x{residual.Width} do not fit {exact.Rows} vectors of {exact.Width} and a {quantizer.Dimension}-d quantizer.");
        }

        _quantizer = quantizer;
        _coarse = coarse;
        _residual = residual;
        _exact = exact;
        _options = options ?? new CompactSearchOptions();
    }

    public int Dimension => _exact.Width;

    public int Count => _exact.Rows;

    /// <summary>Axes scanned in the first pass.</summary>
    public int CoarseDimension => _coarse.Width;

    public VectorQuantizer Quantizer => _quantizer;

    internal RowMatrix<sbyte> CoarseCodes => _coarse;

    internal RowMatrix<sbyte> ResidualCodes => _residual;

    internal IExactRows ExactVectors => _exact;

    /// <summary>Learns a quantizer from <paramref name="vectors"/> and encodes them, all in memory.</summary>
    public static CompactVectorIndex Build(VectorRows vectors, int coarseDimension, CompactSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var dimension = vectors.Dimension;
        var quantizer = VectorQuantizer.Train(vectors);
        var rows = vectors.Count;
        var coarse = new sbyte[rows * coarseDimension];
        var residual = new sbyte[rows * (dimension - coarseDimension)];
        quantizer.Encode(vectors, coarseDimension, coarse, residual);
        return new CompactVectorIndex(
            quantizer,
            new RowMatrix<sbyte>(coarse, coarseDimension),
            new RowMatrix<sbyte>(residual, dimension - coarseDimension),
            new RowMatrix<float>(vectors.Array, dimension).AsExactRows(),
            options);
    }

    public void CopyVector(int row, Span<float> destination) => _exact.CopyRow(row, destination);

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, Func<int, bool>? include = null)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"The query has {query.Length} components; the index {Dimension}.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var exactCount = Math.Max(k, _options.ExactCandidates);
        if (Count <= exactCount)
        {
            return Rescore(query, AllRows(include), k);
        }

        var weights = new short[Dimension];
        _quantizer.Weights(query, weights);
        var coarseCount = Math.Max(exactCount, _options.CoarseCandidates);
        var candidates = CoarseScan(weights, coarseCount, include);
        if (candidates.Length <= exactCount)
        {
            return Rescore(query, Array.ConvertAll(candidates, CandidateHeap.RowOf), k);
        }

        // The candidates' other codes are scattered rows (memory latency, not bandwidth): both cores, each prefetching its next row.
        var full = new int[candidates.Length];
        using (var residual = _residual.Acquire())
        {
            unsafe
            {
                var codes = (nint)residual.Pointer;
                var width = residual.Width;
                Parallel.For(0, (candidates.Length + CandidatesPerTask - 1) / CandidatesPerTask, part =>
                {
                    var start = part * CandidatesPerTask;
                    AddResidualScores(codes, width, weights, CoarseDimension, candidates, full, start, Math.Min(candidates.Length, start + CandidatesPerTask));
                });
            }
        }

        var best = new CandidateHeap(exactCount);
        for (var i = 0; i < candidates.Length; i++)
        {
            best.Offer(full[i], CandidateHeap.RowOf(candidates[i]));
        }

        return Rescore(query, Array.ConvertAll(best.ToSortedKeys(), CandidateHeap.RowOf), k);
    }

    private long[] CoarseScan(short[] weights, int capacity, Func<int, bool>? include)
    {
        using var coarse = _coarse.Acquire();
        unsafe
        {
            var codes = (nint)coarse.Pointer;
            var width = coarse.Width;
            var count = Count;
            if (count <= RowsPerTask)
            {
                var heap = new CandidateHeap(capacity);
                ScanRows(codes, width, weights, 0, count, include, heap);
                return heap.ToSortedKeys();
            }

            var merged = new CandidateHeap(capacity);
            var gate = new Lock();
            Parallel.For(
                0,
                (count + RowsPerTask - 1) / RowsPerTask,
                () => new CandidateHeap(capacity),
                (part, _, heap) =>
                {
                    var start = part * RowsPerTask;
                    ScanRows(codes, width, weights, start, Math.Min(count, start + RowsPerTask), include, heap);
                    return heap;
                },
                heap =>
                {
                    lock (gate)
                    {
                        merged.OfferAll(heap);
                    }
                });
            return merged.ToSortedKeys();
        }
    }

    // The hot loops are compiled fully optimised at once: left to tiered compilation, a freshly started process can run
    // them for hundreds of searches as on-stack-replaced tier-0 code, at two to three times the cost.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddResidualScores(nint codes, int width, short[] weights, int coarseDimension, long[] candidates, int[] full, int start, int end)
    {
        fixed (short* w = weights)
        {
            var residualWeights = w + coarseDimension;
            for (var i = start; i < end; i++)
            {
                if (i + 1 < end && Sse.IsSupported)
                {
                    Sse.Prefetch0((sbyte*)codes + ((long)CandidateHeap.RowOf(candidates[i + 1]) * width));
                }

                var row = (sbyte*)codes + ((long)CandidateHeap.RowOf(candidates[i]) * width);
                full[i] = CandidateHeap.ScoreOf(candidates[i]) + Int8Dot.Dot(row, residualWeights, width);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ScanRows(nint codes, int width, short[] weights, int start, int end, Func<int, bool>? include, CandidateHeap heap)
    {
        fixed (short* w = weights)
        {
            // Once the heap is full a row must at least tie the lowest score kept to get in (the heap breaks ties by
            // row): one comparison and no call for almost every row.
            var row = (sbyte*)codes + ((long)start * width);
            var full = heap.IsFull;
            var lowest = full ? heap.LowestScore : int.MinValue;
            for (var i = start; i < end; i++, row += width)
            {
                if (include is not null && !include(i))
                {
                    continue;
                }

                var score = Int8Dot.Dot(row, w, width);
                if (!full || score >= lowest)
                {
                    heap.Offer(score, i);
                    full = heap.IsFull;
                    lowest = full ? heap.LowestScore : int.MinValue;
                }
            }
        }
    }

    private int[] AllRows(Func<int, bool>? include) =>
        [.. Enumerable.Range(0, Count).Where(row => include is null || include(row))];

    private List<SearchHit> Rescore(ReadOnlySpan<float> query, int[] rows, int k)
    {
        // Each row is a read from index.bin (a system call, and a disk read when the page cache has let it go): the
        // reads are requested together, then done on both cores.
        _exact.Prefetch(rows);
        var scores = new float[rows.Length];
        var q = query.ToArray();
        try
        {
            Parallel.For(0, (rows.Length + RowsPerRescoringTask - 1) / RowsPerRescoringTask, part =>
            {
                var start = part * RowsPerRescoringTask;
                ScoreRows(q, rows, scores, start, Math.Min(rows.Length, start + RowsPerRescoringTask));
            });
        }
        catch (AggregateException e)
        {
            // A damaged row (IndexFormatException) reaches the caller as itself, as it would from a serial loop.
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        var top = new TopHits(k);
        for (var i = 0; i < rows.Length; i++)
        {
            top.Offer(rows[i], scores[i]);
        }

        return top.ToSortedList();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScoreRows(float[] query, int[] rows, float[] scores, int start, int end)
    {
        var vector = new float[Dimension];
        for (var i = start; i < end; i++)
        {
            _exact.CopyRow(rows[i], vector);
            scores[i] = DenseMath.Dot(vector, query);
        }
    }
}
