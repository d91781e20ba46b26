using System.Numerics.Tensors;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// Turns vectors into compact int8 codes for the first pass of a large search. A vector is centred and rotated onto
/// the principal axes of the catalog (largest variance first, so a prefix of the codes is already a good coarse
/// approximation), then each axis is scaled to [-127, 127] by its own range. Rotation preserves dot products, so
/// codes · query weights ranks rows like the cosine does, up to rounding; the exact rescoring repairs the rest.
/// </summary>
public sealed class VectorQuantizer
{
    private const int RowsPerBlock = 64;

    private readonly float[] _mean;
    private readonly float[] _axes;
    private readonly float[] _scales;

    /// <param name="mean">The catalog's mean vector.</param>
    /// <param name="axes">Row-major, row j the unit principal axis j (descending variance).</param>
    /// <param name="scales">Per rotated axis: one code step.</param>
    public VectorQuantizer(float[] mean, float[] axes, float[] scales)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(scales);
        var dimension = mean.Length;
        if (dimension == 0 || axes.Length != dimension * dimension || scales.Length != dimension)
        {
            throw new ArgumentException($"A {dimension}-d quantizer needs {dimension * dimension} axis components and {dimension} scales; got {axes.Length} and {scales.Length}.");
        }

        if (scales.Any(s => !(s > 0) || !float.IsFinite(s)))
        {
            throw new ArgumentException("Every scale must be positive and finite.", nameof(scales));
        }

        _mean = mean;
        _axes = axes;
        _scales = scales;
    }

    public int Dimension => _mean.Length;

    public ReadOnlySpan<float> Mean => _mean;

    public ReadOnlySpan<float> Axes => _axes;

    public ReadOnlySpan<float> Scales => _scales;

    /// <summary>
    /// Learns the axes and scales from the rows of <paramref name="vectors"/> (at most <paramref name="maxSamples"/>
    /// of them, spread evenly: the covariance of a 20,000-row sample is as good as the whole catalog's and costs seconds).
    /// </summary>
    public static VectorQuantizer Train(VectorRows vectors, int maxSamples = 20_000)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamples, 2);
        var dimension = vectors.Dimension;
        var rows = vectors.Count;
        if (rows < 2)
        {
            throw new ArgumentException("A quantizer needs at least two vectors.", nameof(vectors));
        }

        var samples = Math.Min(rows, maxSamples);
        var sample = new float[samples * dimension];
        for (var i = 0; i < samples; i++)
        {
            var row = (int)((long)i * rows / samples);
            vectors.Row(row).CopyTo(sample.AsSpan(i * dimension, dimension));
        }

        var pca = PrincipalAxes.Of(new VectorRows(sample, dimension), dimension);
        var axes = pca.Axes;
        var unscaled = new VectorQuantizer((float[])pca.Mean.Clone(), axes, Enumerable.Repeat(1f, dimension).ToArray());

        // One code step per axis: the sample's largest magnitude on that axis maps to 127.
        var largest = new float[dimension];
        var rotated = new float[dimension];
        for (var i = 0; i < samples; i++)
        {
            unscaled.Rotate(sample.AsSpan(i * dimension, dimension), rotated);
            TensorPrimitives.Abs(rotated, rotated);
            TensorPrimitives.Max(largest, rotated, largest);
        }

        var scales = new float[dimension];
        for (var j = 0; j < dimension; j++)
        {
            scales[j] = largest[j] > 1e-12f ? largest[j] / 127f : 1f;
        }

        return new VectorQuantizer(unscaled._mean, axes, scales);
    }

    /// <summary>The codes of every row: the first <paramref name="coarseDimension"/> axes to <paramref name="coarse"/>, the rest to <paramref name="residual"/>.</summary>
    public void Encode(VectorRows vectors, int coarseDimension, Span<sbyte> coarse, Span<sbyte> residual)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var dimension = Dimension;
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)coarseDimension, (uint)dimension, nameof(coarseDimension));
        if (vectors.Dimension != dimension)
        {
            throw new ArgumentException($"The quantizer encodes vectors of {dimension}; these are {vectors}.", nameof(vectors));
        }

        var rows = vectors.Count;
        if (coarse.Length != rows * coarseDimension || residual.Length != rows * (dimension - coarseDimension))
        {
            throw new ArgumentException($"{rows} rows need {rows * coarseDimension} coarse and {rows * (dimension - coarseDimension)} residual codes.");
        }

        unsafe
        {
            fixed (float* source = vectors.Values.Span)
            fixed (sbyte* coarseCodes = coarse, residualCodes = residual)
            {
                var (src, c, r) = ((nint)source, (nint)coarseCodes, (nint)residualCodes);
                Parallel.For(0, (rows + RowsPerBlock - 1) / RowsPerBlock, block =>
                {
                    var first = block * RowsPerBlock;
                    var count = Math.Min(RowsPerBlock, rows - first);
                    var input = new ReadOnlySpan<float>((float*)src + ((long)first * dimension), count * dimension);
                    var codes = new sbyte[count * dimension];
                    EncodeBlock(input, codes);
                    for (var i = 0; i < count; i++)
                    {
                        var row = codes.AsSpan(i * dimension, dimension);
                        row[..coarseDimension].CopyTo(new Span<sbyte>((sbyte*)c + ((long)(first + i) * coarseDimension), coarseDimension));
                        row[coarseDimension..].CopyTo(new Span<sbyte>((sbyte*)r + ((long)(first + i) * (dimension - coarseDimension)), dimension - coarseDimension));
                    }
                });
            }
        }
    }

    /// <summary>
    /// The int16 weights that score codes against <paramref name="query"/>: its rotation times each axis' code step,
    /// scaled so the largest is <see cref="Int8Dot.MaxQueryWeight"/>. The query's own offset is dropped: it shifts
    /// every row's score by the same amount.
    /// </summary>
    public void Weights(ReadOnlySpan<float> query, Span<short> weights)
    {
        var dimension = Dimension;
        if (query.Length != dimension || weights.Length != dimension)
        {
            throw new ArgumentException($"The quantizer is {dimension}-d; got a {query.Length}-d query and {weights.Length} weights.");
        }

        Span<float> z = dimension <= 2048 ? stackalloc float[dimension] : new float[dimension];
        for (var j = 0; j < dimension; j++)
        {
            z[j] = TensorPrimitives.Dot(_axes.AsSpan(j * dimension, dimension), query);
        }

        TensorPrimitives.Multiply(z, _scales, z);
        var largest = Math.Abs(TensorPrimitives.MaxMagnitude(z));
        var factor = largest > 0 ? Int8Dot.MaxQueryWeight / largest : 0;
        for (var j = 0; j < dimension; j++)
        {
            weights[j] = (short)MathF.Round(z[j] * factor);
        }
    }

    internal void Rotate(ReadOnlySpan<float> vector, Span<float> rotated)
    {
        var dimension = Dimension;
        Span<float> centred = dimension <= 2048 ? stackalloc float[dimension] : new float[dimension];
        TensorPrimitives.Subtract(vector, _mean, centred);
        for (var j = 0; j < dimension; j++)
        {
            rotated[j] = TensorPrimitives.Dot(_axes.AsSpan(j * dimension, dimension), centred);
        }
    }

    /// <summary>
    /// Codes for a block of rows: the rotation is one matrix product (centred rows times the axes), by the blocked
    /// kernel of <see cref="DenseMath"/>.
    /// </summary>
    private void EncodeBlock(ReadOnlySpan<float> input, Span<sbyte> codes)
    {
        var dimension = Dimension;
        var count = input.Length / dimension;
        var centred = new float[count * dimension];
        for (var i = 0; i < count; i++)
        {
            TensorPrimitives.Subtract(input.Slice(i * dimension, dimension), _mean, centred.AsSpan(i * dimension, dimension));
        }

        var rotated = new float[count * dimension];
        DenseMath.MultiplyTransposed(centred, count, _axes, dimension, dimension, rotated);
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < dimension; j++)
            {
                var value = MathF.Round(rotated[(i * dimension) + j] / _scales[j]);
                codes[(i * dimension) + j] = (sbyte)Math.Clamp(value, -127f, 127f);
            }
        }
    }
}
