using System.Runtime.InteropServices;

namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>Options for creating an <see cref="InferenceSession"/> (an <c>OrtSessionOptions</c>).</summary>
public sealed unsafe class SessionOptions : IDisposable
{
    private readonly OrtHandle _handle;
    private int _intraOpNumThreads;
    private int _interOpNumThreads;
    private GraphOptimizationLevel _graphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
    private ExecutionMode _executionMode = ExecutionMode.ORT_SEQUENTIAL;
    private bool _enableCpuMemArena = true;
    private bool _enableMemoryPattern = true;
    private OrtLoggingLevel _logSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;

    public SessionOptions()
    {
        var api = OrtLibrary.Api;
        OrtEnv.Instance();
        nint options;
        api.Check(api.CreateSessionOptions(&options));
        _handle = new OrtHandle(options, api.ReleaseSessionOptions);
    }

    /// <summary>Threads used inside one operator; 0 lets ORT choose.</summary>
    public int IntraOpNumThreads
    {
        get => _intraOpNumThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Call(static (api, h, v) => api.SetIntraOpNumThreads(h, v), value);
            _intraOpNumThreads = value;
        }
    }

    /// <summary>Threads used across independent operators (parallel execution mode only); 0 lets ORT choose.</summary>
    public int InterOpNumThreads
    {
        get => _interOpNumThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Call(static (api, h, v) => api.SetInterOpNumThreads(h, v), value);
            _interOpNumThreads = value;
        }
    }

    public GraphOptimizationLevel GraphOptimizationLevel
    {
        get => _graphOptimizationLevel;
        set
        {
            Call(static (api, h, v) => api.SetSessionGraphOptimizationLevel(h, v), (int)value);
            _graphOptimizationLevel = value;
        }
    }

    public ExecutionMode ExecutionMode
    {
        get => _executionMode;
        set
        {
            Call(static (api, h, v) => api.SetSessionExecutionMode(h, v), (int)value);
            _executionMode = value;
        }
    }

    public bool EnableCpuMemArena
    {
        get => _enableCpuMemArena;
        set
        {
            Call(static (api, h, v) => v != 0 ? api.EnableCpuMemArena(h) : api.DisableCpuMemArena(h), value ? 1 : 0);
            _enableCpuMemArena = value;
        }
    }

    public bool EnableMemoryPattern
    {
        get => _enableMemoryPattern;
        set
        {
            Call(static (api, h, v) => v != 0 ? api.EnableMemPattern(h) : api.DisableMemPattern(h), value ? 1 : 0);
            _enableMemoryPattern = value;
        }
    }

    public OrtLoggingLevel LogSeverityLevel
    {
        get => _logSeverityLevel;
        set
        {
            Call(static (api, h, v) => api.SetSessionLogSeverityLevel(h, v), (int)value);
            _logSeverityLevel = value;
        }
    }

    internal OrtHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    /// <summary>
    /// Puts the CUDA execution provider first for sessions created with these options. Throws
    /// <see cref="OnnxRuntimeException"/> when the runtime cannot load its CUDA provider (for example a CPU-only
    /// build, or no CUDA/cuDNN libraries on the machine).
    /// </summary>
    public void AppendExecutionProvider_CUDA(int deviceId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        var api = OrtLibrary.Api;
        // Exported as a plain function by every official build: OrtStatus* (OrtSessionOptions*, int device_id).
        if (!NativeLibrary.TryGetExport(api.LibraryHandle, "OrtSessionOptionsAppendExecutionProvider_CUDA", out var address))
        {
            throw new OnnxRuntimeException(
                OrtErrorCode.ORT_NOT_IMPLEMENTED,
                $"ONNX Runtime {api.VersionString} does not export OrtSessionOptionsAppendExecutionProvider_CUDA.");
        }

        var append = (delegate* unmanaged<nint, int, nint>)address;
        Use((_, handle) => append(handle, deviceId));
    }

    /// <summary>
    /// Sets a session configuration entry (keys from ONNX Runtime's onnxruntime_session_options_config_keys.h,
    /// e.g. <c>session.intra_op.allow_spinning</c>). Throws <see cref="OnnxRuntimeException"/> for a value ORT refuses.
    /// </summary>
    public void AddSessionConfigEntry(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        var k = Utf8.ToNullTerminated(key);
        var v = Utf8.ToNullTerminated(value);
        Use((api, handle) =>
        {
            fixed (byte* keyPointer = k)
            fixed (byte* valuePointer = v)
            {
                return api.AddSessionConfigEntry(handle, keyPointer, valuePointer);
            }
        });
    }

    public void Dispose()
    {
        _handle.Dispose();
    }

    private void Call(Func<OrtNativeApi, nint, int, nint> call, int value) => Use((api, handle) => call(api, handle, value));

    /// <summary>Calls ORT with the native handle kept alive for the call, and turns a failed status into an exception.</summary>
    private void Use(Func<OrtNativeApi, nint, nint> call)
    {
        var handle = Handle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var api = OrtLibrary.Api;
            api.Check(call(api, handle.DangerousGetHandle()));
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
