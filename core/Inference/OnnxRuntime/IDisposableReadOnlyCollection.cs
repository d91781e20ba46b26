namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>A read-only list of disposables that disposes its items when disposed (the outputs of a run).</summary>
public interface IDisposableReadOnlyCollection<out T> : IReadOnlyList<T>, IDisposable
{
}
