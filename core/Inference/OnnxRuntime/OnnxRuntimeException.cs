namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>An error reported by ONNX Runtime through an <c>OrtStatus</c>, with ORT's own code and message.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException()
    {
    }

    public OnnxRuntimeException(string message)
        : base(message)
    {
    }

    public OnnxRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base($"[ErrorCode:{errorCode}] {message}")
    {
        ErrorCode = errorCode;
        NativeMessage = message;
    }

    /// <summary>The <c>OrtErrorCode</c> of the failed status.</summary>
    public OrtErrorCode ErrorCode { get; } = OrtErrorCode.ORT_FAIL;

    /// <summary>The message exactly as ORT wrote it.</summary>
    public string NativeMessage { get; } = string.Empty;
}
