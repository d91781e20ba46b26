using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Core.Query.Inference;

/// <summary>How models are run; bound from the "Inference" configuration section.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>"Cpu" (default) or "Cuda"; Cuda falls back to CPU when the provider cannot be loaded.</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    public int CudaDeviceId { get; set; }

    /// <summary>Threads inside one operator; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpNumThreads { get; set; }

    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Whether ONNX Runtime's worker threads spin while waiting for work (ORT's own default). Off by default here:
    /// on this project's 2-core machines a spinning worker takes the core the calling thread needs, and one embedding
    /// measured 13.9 ms with spinning against 8.3 ms without (docs/benchmarks.md); the index builder, which decodes
    /// beside inference, gains too. Turn it on for many-core servers where latency of single requests matters most.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Precise or fast int8 kernels; <see cref="QuantizedPrecision.Auto"/> chooses precise ones where fast ones saturate.</summary>
    public QuantizedPrecision QuantizedPrecision { get; set; } = QuantizedPrecision.Auto;

    /// <summary>Whether these options ask ONNX Runtime for its precise x64 int8 kernels on this machine.</summary>
    public bool UsesPreciseQuantizedKernels => CpuFeatures.IsX64 && QuantizedPrecision switch
    {
        QuantizedPrecision.Precise => true,
        QuantizedPrecision.Fast => false,
        _ => !CpuFeatures.HasVnni,
    };
}
