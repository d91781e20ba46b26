namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>ORT's <c>OrtMemType</c>.</summary>
public enum OrtMemType
{
    CpuInput = -2,
    CpuOutput = -1,
    Cpu = CpuOutput,
    Default = 0,
}
