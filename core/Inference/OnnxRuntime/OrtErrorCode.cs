namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>ONNX Runtime's <c>OrtErrorCode</c> values (onnxruntime_c_api.h); newer runtimes may add more.</summary>
public enum OrtErrorCode
{
    ORT_OK = 0,
    ORT_FAIL = 1,
    ORT_INVALID_ARGUMENT = 2,
    ORT_NO_SUCHFILE = 3,
    ORT_NO_MODEL = 4,
    ORT_ENGINE_ERROR = 5,
    ORT_RUNTIME_EXCEPTION = 6,
    ORT_INVALID_PROTOBUF = 7,
    ORT_MODEL_LOADED = 8,
    ORT_NOT_IMPLEMENTED = 9,
    ORT_INVALID_GRAPH = 10,
    ORT_EP_FAIL = 11,
}
