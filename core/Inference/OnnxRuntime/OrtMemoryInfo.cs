namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>Where a tensor's buffer lives (an <c>OrtMemoryInfo</c>). Only CPU memory is supported here.</summary>
public sealed unsafe class OrtMemoryInfo : IDisposable
{
    private static readonly Lazy<OrtMemoryInfo> Default = new(
        () => new OrtMemoryInfo(OrtAllocatorType.ArenaAllocator, OrtMemType.Default, isDefault: true));

    private readonly OrtHandle _handle;
    private readonly bool _isDefault;

    /// <summary>CPU memory described for ORT's default CPU allocator.</summary>
    public OrtMemoryInfo(OrtAllocatorType allocatorType, OrtMemType memoryType)
        : this(allocatorType, memoryType, isDefault: false)
    {
    }

    private OrtMemoryInfo(OrtAllocatorType allocatorType, OrtMemType memoryType, bool isDefault)
    {
        var api = OrtLibrary.Api;
        nint info;
        api.Check(api.CreateCpuMemoryInfo((int)allocatorType, (int)memoryType, &info));
        _handle = new OrtHandle(info, api.ReleaseMemoryInfo);
        _isDefault = isDefault;
    }

    /// <summary>CPU memory, arena allocator, default memory type: what plain managed arrays are described with.
    /// Shared; disposing it does nothing.</summary>
    public static OrtMemoryInfo DefaultInstance => Default.Value;

    internal OrtHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    public void Dispose()
    {
        if (!_isDefault)
        {
            _handle.Dispose();
        }
    }
}
