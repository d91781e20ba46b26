namespace ImageSearch.Core.Query.Inference;

/// <summary>Which ONNX Runtime kernels run int8 (u8s8) convolutions on x64.</summary>
public enum QuantizedPrecision
{
    /// <summary>Precise kernels where the processor lacks VNNI (see <see cref="CpuFeatures.HasVnni"/>), fast ones elsewhere.</summary>
    Auto,

    /// <summary>Always the precise kernels (<c>session.x64quantprecision</c>): correct sums, about twice as slow without VNNI.</summary>
    Precise,

    /// <summary>Always the fast kernels: on processors without VNNI, 16-bit saturation distorts the features.</summary>
    Fast,
}
