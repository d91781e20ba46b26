using System.Numerics.Tensors;
using System.Security.Cryptography;
using ImageSearch.Core.Inference.OnnxRuntime;

namespace ImageSearch.Core.Inference;

/// <summary>
/// Runs a prepared feature model (one NCHW float input, one <c>[batch, dimension]</c> float output) and
/// L2-normalises what it returns. Inputs and outputs stay in the caller's buffers: ONNX Runtime reads and writes them
/// in place. One instance serves concurrent callers.
/// </summary>
public sealed class FeatureExtractor : IDisposable, IAsyncDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _imageShape;

    public FeatureExtractor(InferenceSession session, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
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
        Dimension = ProbeDimension(session.OutputMetadata[_outputNames[0]].Dimensions);
    }

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

        using (var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs[..(batch * InputLength)], [batch, .. _imageShape]))
        using (var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, embeddings[..(batch * Dimension)], [batch, Dimension]))
        {
            _session.Run(null, _inputNames, [input], _outputNames, [output]);
        }

        var vectors = embeddings.Span;
        for (var i = 0; i < batch; i++)
        {
            Normalize(vectors.Slice(i * Dimension, Dimension));
        }
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

    public void Dispose() => _session.Dispose();

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private int ProbeDimension(int[] declared)
    {
        if (declared is [_, > 0])
        {
            return declared[1];
        }

        // The graph leaves it symbolic: run one blank image and read the shape.
        var blank = new float[InputLength];
        using var input = OrtValue.CreateTensorValueFromMemory(blank, [1, .. _imageShape]);
        using var outputs = _session.Run(null, _inputNames, [input], _outputNames);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        return shape is [1, > 0] ? (int)shape[1] : throw new InvalidOperationException($"{ModelPath}: output shape [{string.Join(", ", shape)}] is not [batch, dimension].");
    }
}
