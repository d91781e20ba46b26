using System.Runtime.InteropServices;

namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>Holds a reference on a <see cref="SafeHandle"/> for the length of a native call, so that a concurrent
/// Dispose cannot release the native object under it.</summary>
internal readonly struct HandleUse : IDisposable
{
    private readonly SafeHandle _handle;

    public HandleUse(SafeHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        Pointer = handle.DangerousGetHandle();
    }

    public nint Pointer { get; }

    public void Dispose() => _handle.DangerousRelease();
}
