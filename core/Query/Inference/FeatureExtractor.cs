using System.Buffers;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Core.Query.Inference;

/// <summary>
/// Runs a prepared feature model (one NCHW float input, one <c>[batch, dimension]</c> float output, or a
/// <c>[batch, channels, H, W]</c> feature map that it pools with <see cref="FeaturePooling"/>) and L2-normalises what it returns. Inputs and outputs stay in the caller's buffers: ONNX Runtime reads and writes them
/// in place. One instance serves concurrent callers.
/// </summary>
public sealed class FeatureExtractor : IDisposable, IAsyncDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _imageShape;

    private readonly int _mapArea;

    public FeatureExtractor(LoadedModel model, string modelPath, FeaturePooling? pooling = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var session = model.Session;
        _session = session;
        ExecutionProvider = model.Provider;
        if (session.InputNames.Count != 1 || session.OutputNames.Count != 1)
        {
            throw new InvalidOperationException(
                $"{modelPath}: a feature model has one input and one output; this one has inputs [{string.Join(", ", session.InputNames)}] " +
                $"and outputs [{string.Join(", ", session.OutputNames)}]. Prepare it with 'build-index prepare-model'.");
        }

        _inputNames = [session.InputNames[0]];
        _outputNames = [session.OutputNames[0]];
        var input = session.InputMetadata[_inputNames[0]].Dimensions;
        if (input.Length != 4 || input[1] != 3 || input[2] <= 0 || input[3] <= 0)
        {
            throw new InvalidOperationException($"{modelPath}: expected an image input [batch, 3, H, W]; got [{string.Join(", ", input)}].");
        }

        _imageShape = [3, input[2], input[3]];
        ModelPath = modelPath;
        ModelSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath)));
        (Dimension, MapSize) = ProbeOutput(session.OutputMetadata[_outputNames[0]].Dimensions);
        _mapArea = MapSize.Height * MapSize.Width;
        Pooling = pooling ?? FeaturePooling.Average;
        if (_mapArea == 0 && Pooling != FeaturePooling.Average)
        {
            throw new InvalidOperationException(
                $"{modelPath} outputs pooled features, so it cannot be pooled with {Pooling.Name}; prepare the model with 'build-index prepare-model --feature-map'.");
        }
    }

    /// <summary>The execution provider that runs the model (CPU when CUDA was asked for but could not load).</summary>
    public ExecutionProvider ExecutionProvider { get; }

    /// <summary>How a feature-map model's output is pooled (always average for a model that pools in its graph).</summary>
    public FeaturePooling Pooling { get; }

    /// <summary>Height and width of the model's feature map; (0, 0) when the model outputs pooled features.</summary>
    public (int Height, int Width) MapSize { get; }

    /// <summary>Whether the model outputs a feature map (pooled here) rather than pooled features.</summary>
    public bool OutputsFeatureMap => _mapArea > 0;

    /// <summary>How the vectors are made, stored in index metadata: <c>average</c> for a pooled model, else the pooling's name.</summary>
    public string PoolingName => OutputsFeatureMap ? Pooling.Name : "average";

    public string ModelPath { get; }

    /// <summary>SHA-256 of the model file, stored with every index built with it.</summary>
    public string ModelSha256 { get; }

    /// <summary>Length of one embedding (1280 for MobileNetV2).</summary>
    public int Dimension { get; }

    /// <summary>Input height and width the model takes.</summary>
    public (int Height, int Width) InputSize => ((int)_imageShape[1], (int)_imageShape[2]);

    /// <summary>Floats one image's input takes.</summary>
    public int InputLength => (int)(_imageShape[0] * _imageShape[1] * _imageShape[2]);

    /// <summary>
    /// Embeds <paramref name="batch"/> images whose tensors lie one after another in <paramref name="inputs"/>, writing
    /// L2-normalised vectors one after another into <paramref name="embeddings"/>.
    /// </summary>
    public void Extract(Memory<float> inputs, int batch, Memory<float> embeddings)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (inputs.Length < batch * InputLength || embeddings.Length < batch * Dimension)
        {
            throw new ArgumentException($"A batch of {batch} needs {batch * InputLength} input and {batch * Dimension} output floats.");
        }

        if (OutputsFeatureMap)
        {
            var maps = ArrayPool<float>.Shared.Rent(batch * Dimension * _mapArea);
            try
            {
                ExtractFeatureMaps(inputs, batch, maps);
                for (var i = 0; i < batch; i++)
                {
                    Pooling.Pool(maps.AsSpan(i * Dimension * _mapArea, Dimension * _mapArea), Dimension, MapSize.Height, MapSize.Width, embeddings.Span.Slice(i * Dimension, Dimension));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(maps);
            }
        }
        else
        {
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs[..(batch * InputLength)], [batch, .. _imageShape]);
            using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, embeddings[..(batch * Dimension)], [batch, Dimension]);
            _session.Run(_runOptions, _inputNames, [input], _outputNames, [output]);
        }

        var vectors = embeddings.Span;
        for (var i = 0; i < batch; i++)
        {
            Normalize(vectors.Slice(i * Dimension, Dimension));
        }
    }

    /// <summary>
    /// Runs a feature-map model and writes the raw maps (<c>[batch, Dimension, H, W]</c>, not pooled or normalised) into
    /// <paramref name="maps"/>: for experiments that pool in several ways.
    /// </summary>
    public void ExtractFeatureMaps(Memory<float> inputs, int batch, Memory<float> maps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (!OutputsFeatureMap)
        {
            throw new InvalidOperationException($"{ModelPath} outputs pooled features, not a feature map.");
        }

        var mapLength = batch * Dimension * _mapArea;
        if (inputs.Length < batch * InputLength || maps.Length < mapLength)
        {
            throw new ArgumentException($"A batch of {batch} needs {batch * InputLength} input and {mapLength} output floats.");
        }

        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs[..(batch * InputLength)], [batch, .. _imageShape]);
        using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, maps[..mapLength], [batch, Dimension, MapSize.Height, MapSize.Width]);
        _session.Run(_runOptions, _inputNames, [input], _outputNames, [output]);
    }

    /// <summary>Scales a vector to unit length (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private (int Dimension, (int Height, int Width) Map) ProbeOutput(int[] declared)
    {
        if (declared is [_, > 0])
        {
            return (declared[1], (0, 0));
        }

        if (declared is [_, > 0, > 0, > 0])
        {
            return (declared[1], (declared[2], declared[3]));
        }

        // The graph leaves it symbolic: run one blank image and read the shape.
        var blank = new float[InputLength];
        using var input = OrtValue.CreateTensorValueFromMemory(blank, [1, .. _imageShape]);
        using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        return shape switch
        {
            [1, > 0] => ((int)shape[1], (0, 0)),
            [1, > 0, > 0, > 0] => ((int)shape[1], ((int)shape[2], (int)shape[3])),
            _ => throw new InvalidOperationException($"{ModelPath}: output shape [{string.Join(", ", shape)}] is neither [batch, dimension] nor [batch, channels, H, W]."),
        };
    }
}
