namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>ONNX Runtime's logging severity levels.</summary>
public enum OrtLoggingLevel
{
    ORT_LOGGING_LEVEL_VERBOSE = 0,
    ORT_LOGGING_LEVEL_INFO = 1,
    ORT_LOGGING_LEVEL_WARNING = 2,
    ORT_LOGGING_LEVEL_ERROR = 3,
    ORT_LOGGING_LEVEL_FATAL = 4,
}
