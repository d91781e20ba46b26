using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Core.Query.Inference;

/// <summary>A model loaded into ONNX Runtime, and the execution provider that actually runs it.</summary>
public sealed record LoadedModel(InferenceSession Session, ExecutionProvider Provider) : IDisposable
{
    public void Dispose() => Session.Dispose();
}
