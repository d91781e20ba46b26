namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>
/// Typed function pointers read once from the <c>OrtApi</c> table that <c>OrtGetApiBase()->GetApi</c> returns.
/// Every status-returning call goes through <see cref="Check"/>.
/// </summary>
internal sealed unsafe class OrtNativeApi
{
    public readonly delegate* unmanaged<int, byte*, nint> CreateStatus;
    public readonly delegate* unmanaged<nint, int> GetErrorCode;
    public readonly delegate* unmanaged<nint, byte*> GetErrorMessage;
    public readonly delegate* unmanaged<int, byte*, nint*, nint> CreateEnv;
    public readonly delegate* unmanaged<nint, void*, nint, nint*, nint> CreateSession;
    public readonly delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run;
    public readonly delegate* unmanaged<nint*, nint> CreateSessionOptions;
    public readonly delegate* unmanaged<nint, byte*, byte*, nint> AddSessionConfigEntry;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionExecutionMode;
    public readonly delegate* unmanaged<nint, nint> EnableMemPattern;
    public readonly delegate* unmanaged<nint, nint> DisableMemPattern;
    public readonly delegate* unmanaged<nint, nint> EnableCpuMemArena;
    public readonly delegate* unmanaged<nint, nint> DisableCpuMemArena;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionLogSeverityLevel;
    public readonly delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel;
    public readonly delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads;
    public readonly delegate* unmanaged<nint, int, nint> SetInterOpNumThreads;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount;
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged<nint, nuint, nint, nint*, nint> SessionGetInputName;
    public readonly delegate* unmanaged<nint, nuint, nint, nint*, nint> SessionGetOutputName;
    public readonly delegate* unmanaged<nint*, nint> CreateRunOptions;
    public readonly delegate* unmanaged<nint, byte*, nint> RunOptionsSetRunTag;
    public readonly delegate* unmanaged<nint, nint> RunOptionsSetTerminate;
    public readonly delegate* unmanaged<nint, nint> RunOptionsUnsetTerminate;
    public readonly delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged<nint, int*, nint> IsTensor;
    public readonly delegate* unmanaged<nint, void**, nint> GetTensorMutableData;
    public readonly delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged<nint, int*, nint> GetOnnxTypeFromTypeInfo;
    public readonly delegate* unmanaged<nint, int*, nint> GetTensorElementType;
    public readonly delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount;
    public readonly delegate* unmanaged<nint, long*, nuint, nint> GetDimensions;
    public readonly delegate* unmanaged<nint, byte**, nuint, nint> GetSymbolicDimensions;
    public readonly delegate* unmanaged<nint, nuint*, nint> GetTensorShapeElementCount;
    public readonly delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape;
    public readonly delegate* unmanaged<nint, int*, nint> GetValueType;
    public readonly delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged<nint, void*, nint> AllocatorFree;
    public readonly delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged<nint, void> ReleaseEnv;
    public readonly delegate* unmanaged<nint, void> ReleaseStatus;
    public readonly delegate* unmanaged<nint, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSession;
    public readonly delegate* unmanaged<nint, void> ReleaseValue;
    public readonly delegate* unmanaged<nint, void> ReleaseRunOptions;
    public readonly delegate* unmanaged<nint, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged<nint, void> ReleaseSessionOptions;

    public OrtNativeApi(nint libraryHandle, nint apiTable, string versionString)
    {
        LibraryHandle = libraryHandle;
        VersionString = versionString;
        var t = (nint*)apiTable;
        CreateStatus = (delegate* unmanaged<int, byte*, nint>)t[OrtApiSlot.CreateStatus];
        GetErrorCode = (delegate* unmanaged<nint, int>)t[OrtApiSlot.GetErrorCode];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)t[OrtApiSlot.GetErrorMessage];
        CreateEnv = (delegate* unmanaged<int, byte*, nint*, nint>)t[OrtApiSlot.CreateEnv];
        CreateSession = (delegate* unmanaged<nint, void*, nint, nint*, nint>)t[OrtApiSlot.CreateSession];
        Run = (delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)t[OrtApiSlot.Run];
        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)t[OrtApiSlot.CreateSessionOptions];
        AddSessionConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)t[OrtApiSlot.AddSessionConfigEntry];
        SetSessionExecutionMode = (delegate* unmanaged<nint, int, nint>)t[OrtApiSlot.SetSessionExecutionMode];
        EnableMemPattern = (delegate* unmanaged<nint, nint>)t[OrtApiSlot.EnableMemPattern];
        DisableMemPattern = (delegate* unmanaged<nint, nint>)t[OrtApiSlot.DisableMemPattern];
        EnableCpuMemArena = (delegate* unmanaged<nint, nint>)t[OrtApiSlot.EnableCpuMemArena];
        DisableCpuMemArena = (delegate* unmanaged<nint, nint>)t[OrtApiSlot.DisableCpuMemArena];
        SetSessionLogSeverityLevel = (delegate* unmanaged<nint, int, nint>)t[OrtApiSlot.SetSessionLogSeverityLevel];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)t[OrtApiSlot.SetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)t[OrtApiSlot.SetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)t[OrtApiSlot.SetInterOpNumThreads];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)t[OrtApiSlot.SessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)t[OrtApiSlot.SessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)t[OrtApiSlot.SessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)t[OrtApiSlot.SessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, nint*, nint>)t[OrtApiSlot.SessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, nint*, nint>)t[OrtApiSlot.SessionGetOutputName];
        CreateRunOptions = (delegate* unmanaged<nint*, nint>)t[OrtApiSlot.CreateRunOptions];
        RunOptionsSetRunTag = (delegate* unmanaged<nint, byte*, nint>)t[OrtApiSlot.RunOptionsSetRunTag];
        RunOptionsSetTerminate = (delegate* unmanaged<nint, nint>)t[OrtApiSlot.RunOptionsSetTerminate];
        RunOptionsUnsetTerminate = (delegate* unmanaged<nint, nint>)t[OrtApiSlot.RunOptionsUnsetTerminate];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)t[OrtApiSlot.CreateTensorWithDataAsOrtValue];
        IsTensor = (delegate* unmanaged<nint, int*, nint>)t[OrtApiSlot.IsTensor];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)t[OrtApiSlot.GetTensorMutableData];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)t[OrtApiSlot.CastTypeInfoToTensorInfo];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<nint, int*, nint>)t[OrtApiSlot.GetOnnxTypeFromTypeInfo];
        GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)t[OrtApiSlot.GetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)t[OrtApiSlot.GetDimensionsCount];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)t[OrtApiSlot.GetDimensions];
        GetSymbolicDimensions = (delegate* unmanaged<nint, byte**, nuint, nint>)t[OrtApiSlot.GetSymbolicDimensions];
        GetTensorShapeElementCount = (delegate* unmanaged<nint, nuint*, nint>)t[OrtApiSlot.GetTensorShapeElementCount];
        GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)t[OrtApiSlot.GetTensorTypeAndShape];
        GetValueType = (delegate* unmanaged<nint, int*, nint>)t[OrtApiSlot.GetValueType];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)t[OrtApiSlot.CreateCpuMemoryInfo];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)t[OrtApiSlot.AllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)t[OrtApiSlot.GetAllocatorWithDefaultOptions];
        ReleaseEnv = (delegate* unmanaged<nint, void>)t[OrtApiSlot.ReleaseEnv];
        ReleaseStatus = (delegate* unmanaged<nint, void>)t[OrtApiSlot.ReleaseStatus];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)t[OrtApiSlot.ReleaseMemoryInfo];
        ReleaseSession = (delegate* unmanaged<nint, void>)t[OrtApiSlot.ReleaseSession];
        ReleaseValue = (delegate* unmanaged<nint, void>)t[OrtApiSlot.ReleaseValue];
        ReleaseRunOptions = (delegate* unmanaged<nint, void>)t[OrtApiSlot.ReleaseRunOptions];
        ReleaseTypeInfo = (delegate* unmanaged<nint, void>)t[OrtApiSlot.ReleaseTypeInfo];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)t[OrtApiSlot.ReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)t[OrtApiSlot.ReleaseSessionOptions];

        nint allocator;
        Check(GetAllocatorWithDefaultOptions(&allocator));
        DefaultAllocator = allocator;
    }

    /// <summary>The handle from <see cref="System.Runtime.InteropServices.NativeLibrary.Load(string)"/>.</summary>
    public nint LibraryHandle { get; }

    /// <summary>What <c>OrtApiBase::GetVersionString</c> returned, e.g. "1.30.0".</summary>
    public string VersionString { get; }

    /// <summary>ORT's default CPU allocator (never freed; ORT owns it).</summary>
    public nint DefaultAllocator { get; }

    /// <summary>Throws <see cref="OnnxRuntimeException"/> carrying ORT's code and message when
    /// <paramref name="status"/> is not null; the status is always released.</summary>
    public void Check(nint status)
    {
        if (status != 0)
        {
            throw ToException(status);
        }
    }

    /// <summary>Turns a non-null status into an exception and releases the status.</summary>
    public OnnxRuntimeException ToException(nint status)
    {
        try
        {
            var code = (OrtErrorCode)GetErrorCode(status);
            var message = Utf8.ToString(GetErrorMessage(status)) ?? string.Empty;
            return new OnnxRuntimeException(code, message);
        }
        finally
        {
            ReleaseStatus(status);
        }
    }

    /// <summary>Frees a block that ORT allocated with the default allocator (e.g. an input name).</summary>
    public void FreeWithDefaultAllocator(nint p)
    {
        if (p != 0)
        {
            var status = AllocatorFree(DefaultAllocator, (void*)p);
            if (status != 0)
            {
                ReleaseStatus(status);
            }
        }
    }
}
