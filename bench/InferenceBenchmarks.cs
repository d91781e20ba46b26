using BenchmarkDotNet.Attributes;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Inference;

namespace ImageSearch.Bench;

/// <summary>Inference of the prepared int8 MobileNetV2, per image, at batch 1, 8 and 32, on 1 and 2 threads, fast and precise int8 kernels.</summary>
public class InferenceBenchmarks
{
    private ImageEmbedder _embedder = null!;
    private float[] _inputs = [];
    private float[] _outputs = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Fast u8s8 kernels saturate on processors without VNNI; precise ones (the default there) do not.</summary>
    [Params(QuantizedPrecision.Fast, QuantizedPrecision.Precise)]
    public QuantizedPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _embedder = ImageEmbedder.Create(new EmbedderOptions
        {
            ModelPath = BenchData.PreparedModel,
            Inference = new InferenceOptions { IntraOpNumThreads = Threads, QuantizedPrecision = Precision },
        });
        var photos = BenchData.ClothingPhotos(32);
        var length = _embedder.Preprocessor.TensorLength;
        _inputs = new float[32 * length];
        for (var i = 0; i < photos.Count; i++)
        {
            _embedder.Preprocessor.Preprocess(photos[i], _inputs.AsSpan(i * length, length));
        }

        _outputs = new float[32 * _embedder.Dimension];
    }

    [GlobalCleanup]
    public void Cleanup() => _embedder.Dispose();

    [Benchmark(OperationsPerInvoke = 1, Description = "batch 1")]
    public void Batch1() => _embedder.Extractor.Extract(_inputs, 1, _outputs);

    [Benchmark(OperationsPerInvoke = 8, Description = "batch 8")]
    public void Batch8() => _embedder.Extractor.Extract(_inputs, 8, _outputs);

    [Benchmark(OperationsPerInvoke = 32, Description = "batch 32")]
    public void Batch32() => _embedder.Extractor.Extract(_inputs, 32, _outputs);
}
