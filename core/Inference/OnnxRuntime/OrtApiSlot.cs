namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>
/// 0-based slot indices of the <c>struct OrtApi</c> members this binding calls, counted member by member (every
/// <c>ORT_API2_STATUS</c>, <c>ORT_CLASS_RELEASE</c> and plain function pointer is one slot) in
/// include/onnxruntime/core/session/onnxruntime_c_api.h of microsoft/onnxruntime. The table is append-only and
/// ABI-stable, so these early slots hold in every later release (checked against 1.30.0 at run time by the
/// status round-trip and metadata tests).
/// </summary>
internal static class OrtApiSlot
{
    /// <summary>The API version requested from <c>OrtApiBase::GetApi</c>. Every slot below exists since much
    /// earlier versions; 17 (ONNX Runtime 1.17) is the oldest runtime this binding claims to support.</summary>
    public const uint ApiVersion = 17;

    public const int CreateStatus = 0;
    public const int GetErrorCode = 1;
    public const int GetErrorMessage = 2;
    public const int CreateEnv = 3;
    public const int CreateSession = 7;
    public const int Run = 9;
    public const int CreateSessionOptions = 10;
    public const int SetSessionExecutionMode = 13;
    public const int EnableMemPattern = 16;
    public const int DisableMemPattern = 17;
    public const int EnableCpuMemArena = 18;
    public const int DisableCpuMemArena = 19;
    public const int SetSessionLogSeverityLevel = 22;
    public const int SetSessionGraphOptimizationLevel = 23;
    public const int SetIntraOpNumThreads = 24;
    public const int SetInterOpNumThreads = 25;
    public const int SessionGetInputCount = 30;
    public const int SessionGetOutputCount = 31;
    public const int SessionGetInputTypeInfo = 33;
    public const int SessionGetOutputTypeInfo = 34;
    public const int SessionGetInputName = 36;
    public const int SessionGetOutputName = 37;
    public const int CreateRunOptions = 39;
    public const int RunOptionsSetRunTag = 42;
    public const int RunOptionsSetTerminate = 46;
    public const int RunOptionsUnsetTerminate = 47;
    public const int CreateTensorWithDataAsOrtValue = 49;
    public const int IsTensor = 50;
    public const int GetTensorMutableData = 51;
    public const int CastTypeInfoToTensorInfo = 55;
    public const int GetOnnxTypeFromTypeInfo = 56;
    public const int GetTensorElementType = 60;
    public const int GetDimensionsCount = 61;
    public const int GetDimensions = 62;
    public const int GetSymbolicDimensions = 63;
    public const int GetTensorShapeElementCount = 64;
    public const int GetTensorTypeAndShape = 65;
    public const int GetValueType = 67;
    public const int CreateCpuMemoryInfo = 69;
    public const int AllocatorFree = 76;
    public const int GetAllocatorWithDefaultOptions = 78;
    public const int ReleaseEnv = 92;
    public const int ReleaseStatus = 93;
    public const int ReleaseMemoryInfo = 94;
    public const int ReleaseSession = 95;
    public const int ReleaseValue = 96;
    public const int ReleaseRunOptions = 97;
    public const int ReleaseTypeInfo = 98;
    public const int ReleaseTensorTypeAndShapeInfo = 99;
    public const int ReleaseSessionOptions = 100;

    // 101-129: CustomOpDomain release, type-info casts, model metadata, threading options, free dimension
    // overrides, available providers, string tensors; then:
    public const int AddSessionConfigEntry = 130;
}
