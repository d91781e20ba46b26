namespace ImageSearch.Core.Query.Inference;

/// <summary>Which ONNX Runtime execution provider runs the models.</summary>
public enum ExecutionProvider
{
    Cpu = 0,
    Cuda = 1,
}
