namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>A list that disposes every item when it is disposed.</summary>
internal sealed class DisposableList<T> : List<T>, IDisposableReadOnlyCollection<T>
    where T : IDisposable
{
    public DisposableList(int capacity)
        : base(capacity)
    {
    }

    public void Dispose()
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            this[i]?.Dispose();
        }

        Clear();
    }
}
