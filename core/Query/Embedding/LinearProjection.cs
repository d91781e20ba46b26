using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Query.Embedding;

/// <summary>
/// A learned metric head (see docs/quality.md): <c>z = normalize(W·(x − mean))</c>, mapping an embedding of
/// <see cref="InputDimension"/> to the <see cref="OutputDimension"/>-d vector that is searched. Learned at build time
/// and stored in the index metadata as <c>projection</c> (arrays as base64 of little-endian float32), so the catalog's
/// vectors and every query go through the same map.
/// </summary>
public sealed record LinearProjection
{
    public const string LinearKind = "linear";

    private readonly string _meanText = "";
    private readonly string _weightsText = "";
    private float[]? _mean;
    private float[]? _weights;

    public string Kind { get; init; } = LinearKind;

    public required int InputDimension { get; init; }

    public required int OutputDimension { get; init; }

    /// <summary>Subtracted before projecting: <see cref="InputDimension"/> floats, base64.</summary>
    public required string Mean
    {
        get => _meanText;
        init
        {
            _meanText = value;
            _mean = null;
        }
    }

    /// <summary>W, row-major (<see cref="OutputDimension"/> rows of <see cref="InputDimension"/>), base64.</summary>
    public required string Weights
    {
        get => _weightsText;
        init
        {
            _weightsText = value;
            _weights = null;
        }
    }

    /// <summary>What the head was trained on and how it did on its validation split.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProjectionTraining? Training { get; init; }

    public static LinearProjection Create(ReadOnlySpan<float> mean, ReadOnlySpan<float> weights, int outputDimension, ProjectionTraining? training = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputDimension);
        if (mean.Length == 0 || weights.Length != mean.Length * outputDimension)
        {
            throw new ArgumentException($"A {outputDimension}x{mean.Length} projection needs {mean.Length * outputDimension} weights; got {weights.Length}.");
        }

        return new LinearProjection
        {
            InputDimension = mean.Length,
            OutputDimension = outputDimension,
            Mean = Convert.ToBase64String(MemoryMarshal.AsBytes(mean)),
            Weights = Convert.ToBase64String(MemoryMarshal.AsBytes(weights)),
            Training = training,
        };
    }

    /// <summary>Why the stored arrays cannot be used, or null when they can.</summary>
    public string? Problem()
    {
        if (Kind != LinearKind)
        {
            return $"projection kind '{Kind}' is not '{LinearKind}'";
        }

        try
        {
            return MeanVector.Length != InputDimension || WeightMatrix.Length != InputDimension * OutputDimension || OutputDimension <= 0
                ? $"the projection's arrays do not match {OutputDimension}x{InputDimension}"
                : OutputDimension >= InputDimension ? $"a projection makes fewer dimensions than it takes, not {OutputDimension} of {InputDimension}" : null;
        }
        catch (FormatException)
        {
            return "the projection's arrays are not base64";
        }
    }

    /// <summary>Projects one embedding into <paramref name="output"/> (<see cref="OutputDimension"/> floats, unit length).</summary>
    public void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputDimension || output.Length < OutputDimension)
        {
            throw new ArgumentException($"The projection takes {InputDimension} components and writes {OutputDimension}; got {input.Length} and room for {output.Length}.");
        }

        var mean = MeanVector;
        var weights = WeightMatrix;
        Span<float> centred = InputDimension <= 4096 ? stackalloc float[InputDimension] : new float[InputDimension];
        TensorPrimitives.Subtract(input, mean, centred);
        DenseMath.MultiplyVector(weights, centred, output[..OutputDimension]);

        var norm = TensorPrimitives.Norm(output[..OutputDimension]);
        if (norm > 0)
        {
            TensorPrimitives.Divide(output[..OutputDimension], norm, output[..OutputDimension]);
        }
    }

    public float[] Apply(ReadOnlySpan<float> input)
    {
        var output = new float[OutputDimension];
        Apply(input, output);
        return output;
    }

    /// <summary>Projects every row of <paramref name="rows"/>, which must have <see cref="InputDimension"/> components.</summary>
    public VectorRows ApplyAll(VectorRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Dimension != InputDimension)
        {
            throw new ArgumentException($"The projection takes vectors of {InputDimension}; these are {rows}.", nameof(rows));
        }

        return rows.Map(OutputDimension, Apply);
    }

    private float[] MeanVector => _mean ??= Decode(Mean);

    private float[] WeightMatrix => _weights ??= Decode(Weights);

    private static float[] Decode(string base64) => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64)).ToArray();
}

/// <summary>How a <see cref="LinearProjection"/> was trained (see <c>MetricHeadTrainer</c>).</summary>
/// <param name="Loss">The loss and its parameters, in words.</param>
/// <param name="Label">What counted as a match: <c>group</c> or <c>category</c>.</param>
/// <param name="CatalogItems">Catalog vectors trained on.</param>
/// <param name="TrainingQueries">Labelled query photos trained on (none: the catalog alone).</param>
/// <param name="ValidationItems">Held back from training to stop it early.</param>
/// <param name="Epochs">Epochs run; the weights kept are those of <paramref name="BestEpoch"/>.</param>
/// <param name="ValidationMapBefore">Mean average precision of the validation items at the start (the initial projection).</param>
/// <param name="ValidationMapAfter">The same with the weights kept.</param>
/// <param name="PhotoSha256">SHA-256 of the training query photos' bytes (validation ones included): <c>evaluate</c> leaves them out.</param>
public sealed record ProjectionTraining(
    string Loss,
    string Label,
    int CatalogItems,
    int TrainingQueries,
    int ValidationItems,
    int Epochs,
    int BestEpoch,
    double ValidationMapBefore,
    double ValidationMapAfter,
    double Seconds,
    IReadOnlyList<string>? PhotoSha256 = null)
{
    /// <summary>Augmented views of catalog items trained on as extra anchors (<c>build --augment-views</c>); null: none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? AugmentedViews { get; init; }

    /// <summary>How those views were made, in words; null: none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Augmentation { get; init; }
}
