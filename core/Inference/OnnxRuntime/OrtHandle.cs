using System.Runtime.InteropServices;

namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>
/// A native ORT object released with its <c>Release*</c> function from the API table when the last user lets go
/// (SafeHandle reference counting keeps it alive across concurrent calls, and the finalizer releases a leak).
/// </summary>
internal unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged<nint, void> _release;

    public OrtHandle(nint handle, delegate* unmanaged<nint, void> release)
        : base(0, ownsHandle: true)
    {
        _release = release;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _release(handle);
        OnReleased();
        return true;
    }

    /// <summary>Runs after the native object is released (e.g. to unpin managed memory it pointed into).</summary>
    protected virtual void OnReleased()
    {
    }
}
