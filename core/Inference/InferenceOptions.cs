using ImageSearch.Core.Inference.OnnxRuntime;

namespace ImageSearch.Core.Inference;

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
}
