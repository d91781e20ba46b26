namespace ImageSearch.Core.LinearAlgebra;

/// <summary>
/// <see cref="Count"/> rows of <see cref="Dimension"/> floats, row-major: the one value in which vectors travel between
/// components (an index file's vectors, a build's embeddings and their projections, a training set, a calibration's
/// catalog and queries), so that the width always comes with the numbers and a mismatch is caught where the rows are made.
/// </summary>
/// <remarks>
/// Immutable and cheap: it takes the array it is given without copying it, and whoever makes it must not change that
/// array afterwards. One vector on its own is a query's business (<c>QueryEmbedding</c>); storage that a scan reads through a
/// pointer, pinned or memory-mapped, is <c>RowMatrix&lt;T&gt;</c> in the query side's index room, which an index builds over
/// these rows.
/// </remarks>
public sealed class VectorRows
{
    private readonly float[] _values;

    /// <summary>Rows of <paramref name="dimension"/> taken from <paramref name="values"/>, which must hold whole rows.</summary>
    public VectorRows(float[] values, int dimension)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (dimension <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Vectors have at least one component.");
        }

        if (values.Length % dimension != 0)
        {
            throw new ArgumentException(
                $"{values.Length} values are not whole rows of {dimension}: {values.Length / dimension} rows and {values.Length % dimension} values left over.",
                nameof(values));
        }

        _values = values;
        Dimension = dimension;
        Count = values.Length / dimension;
    }

    /// <summary>Exactly <paramref name="count"/> rows of <paramref name="dimension"/>: the length of <paramref name="values"/> must be their product.</summary>
    public VectorRows(float[] values, int count, int dimension)
        : this(values, dimension)
    {
        if (Count != count || values.Length != (long)count * dimension)
        {
            throw new ArgumentException(
                $"{count} rows of {dimension} need {(long)count * dimension} values; got {values.Length}.",
                nameof(values));
        }
    }

    /// <summary>No rows, each of <paramref name="dimension"/>.</summary>
    public static VectorRows Empty(int dimension) => new([], dimension);

    /// <summary>The rows of <paramref name="vectors"/>, one each, all of <paramref name="dimension"/> (the message names the first that is not).</summary>
    public static VectorRows Of(IReadOnlyList<float[]> vectors, int dimension)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var values = new float[(long)vectors.Count * dimension];
        for (var i = 0; i < vectors.Count; i++)
        {
            if (vectors[i].Length != dimension)
            {
                throw new ArgumentException($"Row {i} has {vectors[i].Length} components; the rows have {dimension}.", nameof(vectors));
            }

            vectors[i].CopyTo(values, (long)i * dimension);
        }

        return new VectorRows(values, dimension);
    }

    /// <summary>The rows of each part in turn; every part must have the same dimension.</summary>
    public static VectorRows Concat(params IReadOnlyList<VectorRows> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("Concatenating needs at least one part: its dimension is that of the result.", nameof(parts));
        }

        var dimension = parts[0].Dimension;
        if (parts.FirstOrDefault(p => p.Dimension != dimension) is { } other)
        {
            throw new ArgumentException($"Rows of {other.Dimension} cannot follow rows of {dimension}.", nameof(parts));
        }

        return parts.Count == 1 ? parts[0] : new VectorRows([.. parts.SelectMany(p => p._values)], dimension);
    }

    public int Count { get; }

    public int Dimension { get; }

    /// <summary>All rows, one after another.</summary>
    public ReadOnlyMemory<float> Values => _values;

    /// <summary>The backing array for core's own kernels (pinned scans, parallel loops), which never write to it.</summary>
    internal float[] Array => _values;

    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
        return _values.AsSpan(row * Dimension, Dimension);
    }

    /// <summary>The given rows, in that order (a row may repeat), as new rows.</summary>
    public VectorRows Gather(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var values = new float[(long)rows.Count * Dimension];
        for (var i = 0; i < rows.Count; i++)
        {
            Row(rows[i]).CopyTo(values.AsSpan(i * Dimension, Dimension));
        }

        return new VectorRows(values, Dimension);
    }

    /// <summary>Writes what one row becomes into <paramref name="output"/>.</summary>
    public delegate void RowMap(ReadOnlySpan<float> row, Span<float> output);

    /// <summary>Every row through <paramref name="map"/>, into rows of <paramref name="outputDimension"/> (rows in parallel).</summary>
    public VectorRows Map(int outputDimension, RowMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputDimension);
        var output = new float[(long)Count * outputDimension];
        Parallel.For(0, Count, r => map(Row(r), output.AsSpan(r * outputDimension, outputDimension)));
        return new VectorRows(output, Count, outputDimension);
    }

    /// <summary>A copy of all rows that the caller may change.</summary>
    public float[] ToArray() => (float[])_values.Clone();

    public override string ToString() => $"{Count} rows of {Dimension}";
}
