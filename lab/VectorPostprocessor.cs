using System.Numerics.Tensors;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab;

/// <summary>What <see cref="VectorPostprocessor.Fit"/> learns and does.</summary>
public sealed record PostprocessOptions
{
    /// <summary>Power normalisation of every component before anything else: <c>sign(x)·|x|^α</c>, then L2. 1 = off, 0.5 = signed square root.</summary>
    public float Power { get; init; } = 1;

    /// <summary>Subtract the catalog's mean vector (whitening always does).</summary>
    public bool Center { get; init; } = true;

    /// <summary>PCA-whitening: rotate onto the catalog's principal axes and divide each by √(λ + shrinkage·mean λ).</summary>
    public bool Whiten { get; init; } = true;

    /// <summary>
    /// Added to every eigenvalue, as a share of their mean, before whitening. 0 = full whitening (noisy directions with tiny
    /// variance blown up); large = plain PCA rotation. It keeps a small catalog (fewer items than dimensions) usable.
    /// </summary>
    public float Shrinkage { get; init; } = 0.1f;

    /// <summary>Principal axes kept (the largest first); null keeps them all.</summary>
    public int? Dimensions { get; init; }
}

/// <summary>
/// Post-processing learned from a catalog's own vectors at build time and applied, through <see cref="Apply"/>, to the
/// catalog's vectors and to every query alike: power normalisation, centring, PCA-whitening with shrinkage, L2.
/// Output vectors are unit length, so a dot product stays a cosine.
/// </summary>
public sealed class VectorPostprocessor
{
    private readonly float[] _mean;
    private readonly float[]? _projection;

    private VectorPostprocessor(int inputDimension, int outputDimension, float power, float[] mean, float[]? projection, PostprocessOptions options)
    {
        InputDimension = inputDimension;
        OutputDimension = outputDimension;
        Power = power;
        _mean = mean;
        _projection = projection;
        Options = options;
    }

    public int InputDimension { get; }

    public int OutputDimension { get; }

    public float Power { get; }

    public PostprocessOptions Options { get; }

    /// <summary>The principal components of a set of vectors, from which whitening of any shrinkage is cheap to make.</summary>
    public sealed class Pca
    {
        internal Pca(int dimension, float power, float[] mean, double[] eigenvalues, double[] eigenvectors)
        {
            Dimension = dimension;
            Power = power;
            Mean = mean;
            Eigenvalues = eigenvalues;
            Eigenvectors = eigenvectors;
        }

        public int Dimension { get; }

        public float Power { get; }

        internal float[] Mean { get; }

        /// <summary>Descending.</summary>
        public double[] Eigenvalues { get; }

        /// <summary>Row j is the unit eigenvector of <see cref="Eigenvalues"/>[j].</summary>
        internal double[] Eigenvectors { get; }
    }

    /// <summary>Learns the post-processing from <paramref name="vectors"/>.</summary>
    public static VectorPostprocessor Fit(VectorRows vectors, PostprocessOptions options)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(options);
        var dimension = vectors.Dimension;
        if (!options.Whiten)
        {
            var rows = PowerRows(vectors, options.Power);
            var mean = options.Center ? MeanOf(rows) : new float[dimension];
            return new VectorPostprocessor(dimension, dimension, options.Power, mean, null, options);
        }

        return FromPca(ComputePca(vectors, options.Power), options);
    }

    /// <summary>The principal axes of the power-normalised vectors (core's <see cref="PrincipalAxes"/>), all of them.</summary>
    public static Pca ComputePca(VectorRows vectors, float power = 1)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var dimension = vectors.Dimension;
        var rows = PowerRows(vectors, power);
        if (rows.Count < 2)
        {
            throw new ArgumentException("Whitening needs at least two vectors.", nameof(vectors));
        }

        var axes = PrincipalAxes.Of(rows, dimension);
        return new Pca(dimension, power, axes.Mean, axes.Variances, Array.ConvertAll(axes.Axes, v => (double)v));
    }

    /// <summary>Whitening with the given shrinkage and dimensions from a decomposition made once.</summary>
    public static VectorPostprocessor FromPca(Pca pca, PostprocessOptions options)
    {
        ArgumentNullException.ThrowIfNull(pca);
        ArgumentNullException.ThrowIfNull(options);
        var d = pca.Dimension;
        var k = Math.Clamp(options.Dimensions ?? d, 1, d);
        var meanEigenvalue = pca.Eigenvalues.Average();
        var projection = new float[k * d];
        for (var j = 0; j < k; j++)
        {
            var scale = 1 / Math.Sqrt(pca.Eigenvalues[j] + (options.Shrinkage * meanEigenvalue) + 1e-12);
            for (var c = 0; c < d; c++)
            {
                projection[j * d + c] = (float)(pca.Eigenvectors[j * d + c] * scale);
            }
        }

        return new VectorPostprocessor(d, k, pca.Power, pca.Mean, projection, options with { Power = pca.Power });
    }

    /// <summary>Post-processes one vector into <paramref name="output"/> (<see cref="OutputDimension"/> floats, unit length).</summary>
    public void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputDimension || output.Length < OutputDimension)
        {
            throw new ArgumentException($"Expected {InputDimension} input and {OutputDimension} output components; got {input.Length} and {output.Length}.");
        }

        Span<float> x = InputDimension <= 4096 ? stackalloc float[InputDimension] : new float[InputDimension];
        input.CopyTo(x);
        ApplyPower(x, Power);
        TensorPrimitives.Subtract(x, _mean, x);
        if (_projection is null)
        {
            x.CopyTo(output);
        }
        else
        {
            for (var j = 0; j < OutputDimension; j++)
            {
                output[j] = TensorPrimitives.Dot(x, _projection.AsSpan(j * InputDimension, InputDimension));
            }
        }

        Normalize(output[..OutputDimension]);
    }

    /// <summary>Post-processes every row of <paramref name="vectors"/>.</summary>
    public VectorRows ApplyAll(VectorRows vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Dimension != InputDimension)
        {
            throw new ArgumentException($"The post-processing takes vectors of {InputDimension}; these are {vectors}.", nameof(vectors));
        }

        return vectors.Map(OutputDimension, Apply);
    }

    private static VectorRows PowerRows(VectorRows vectors, float power)
    {
        if (power == 1)
        {
            return vectors;
        }

        var dimension = vectors.Dimension;
        var rows = vectors.ToArray();
        for (var r = 0; r < rows.Length; r += dimension)
        {
            ApplyPower(rows.AsSpan(r, dimension), power);
        }

        return new VectorRows(rows, dimension);
    }

    private static float[] MeanOf(VectorRows rows)
    {
        var mean = new float[rows.Dimension];
        for (var r = 0; r < rows.Count; r++)
        {
            TensorPrimitives.Add(mean, rows.Row(r), mean);
        }

        TensorPrimitives.Divide(mean, rows.Count, mean);
        return mean;
    }

    /// <summary><c>sign(x)·|x|^power</c> per component, then L2 (nothing when power is 1).</summary>
    private static void ApplyPower(Span<float> x, float power)
    {
        if (power == 1)
        {
            return;
        }

        for (var i = 0; i < x.Length; i++)
        {
            x[i] = MathF.CopySign(MathF.Pow(MathF.Abs(x[i]), power), x[i]);
        }

        Normalize(x);
    }

    private static void Normalize(Span<float> x)
    {
        var norm = TensorPrimitives.Norm(x);
        if (norm > 0)
        {
            TensorPrimitives.Divide(x, norm, x);
        }
    }
}
