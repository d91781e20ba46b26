namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>Whether a session runs independent graph branches one after another or in parallel.</summary>
public enum ExecutionMode
{
    ORT_SEQUENTIAL = 0,
    ORT_PARALLEL = 1,
}
