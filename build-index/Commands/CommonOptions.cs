using System.CommandLine;
using ImageSearch.Core.Query.Inference;

namespace ImageSearch.BuildIndex.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string?> Model() => new("--model")
    {
        Description = $"The prepared feature model (default: {FeatureModelFile.DefaultPath}, looked up from the current folder upwards).",
    };

    public static Option<QuantizedPrecision> Int8Kernels() => new("--int8-kernels")
    {
        Description = "ONNX Runtime's int8 kernels: Auto (precise where the CPU lacks VNNI), Precise, or Fast (saturates without VNNI). Build and search with the same.",
        DefaultValueFactory = _ => QuantizedPrecision.Auto,
    };

    public static Option<ExecutionProvider> ExecutionProvider() => new("--execution-provider")
    {
        Description = "Cpu, or Cuda (needs the tool built with -p:OnnxRuntimeFlavor=Gpu, CUDA 13 and cuDNN 9; falls back to the CPU with a warning naming ONNX Runtime's reason).",
        DefaultValueFactory = _ => ImageSearch.Core.Query.Inference.ExecutionProvider.Cpu,
    };

    public static Option<string> Pooling() => new("--pooling")
    {
        Description = "How a feature-map model (prepare-model --feature-map) is pooled: average, gem-p3 (GeM, any p), rmac. Build and search with the same.",
        DefaultValueFactory = _ => "average",
    };

    public static Option<string> Calibration(string defaultValue, string description) => new("--calibration")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    };

    public static ImageSearch.Core.Build.Calibration.CalibrationMethod ParseCalibration(string text) => text.Trim().ToLowerInvariant() switch
    {
        "logistic" or "platt" => ImageSearch.Core.Build.Calibration.CalibrationMethod.Logistic,
        "isotonic" => ImageSearch.Core.Build.Calibration.CalibrationMethod.Isotonic,
        _ => throw new FormatException($"Unknown calibration '{text}': use logistic (Platt) or isotonic."),
    };
}
