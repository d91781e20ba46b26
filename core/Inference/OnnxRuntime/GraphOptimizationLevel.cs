namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>How much ONNX Runtime rewrites the graph when a session loads it.</summary>
public enum GraphOptimizationLevel
{
    ORT_DISABLE_ALL = 0,
    ORT_ENABLE_BASIC = 1,
    ORT_ENABLE_EXTENDED = 2,
    ORT_ENABLE_ALL = 99,
}
