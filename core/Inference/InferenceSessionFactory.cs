using ImageSearch.Core.Inference.OnnxRuntime;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Core.Inference;

/// <summary>Creates <see cref="InferenceSession"/>s configured by <see cref="InferenceOptions"/>.</summary>
public sealed class InferenceSessionFactory
{
    private readonly InferenceOptions _options;
    private readonly ILogger<InferenceSessionFactory> _logger;

    public InferenceSessionFactory(InferenceOptions options, ILogger<InferenceSessionFactory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpNumThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CudaDeviceId);
        _options = options;
        _logger = logger;
    }

    /// <summary>Loads <paramref name="modelPath"/>. When CUDA is requested but its provider cannot be loaded, logs a
    /// warning with ORT's reason and runs on the CPU.</summary>
    public InferenceSession Create(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (_options.UsesPreciseQuantizedKernels && _options.QuantizedPrecision == QuantizedPrecision.Auto)
        {
            _logger.LogInformation("This processor has no VNNI: int8 convolutions use ONNX Runtime's precise kernels (slower, but without 16-bit saturation)");
        }

        using var sessionOptions = CreateSessionOptions();
        return new InferenceSession(modelPath, sessionOptions);
    }

    private SessionOptions CreateSessionOptions()
    {
        if (_options.ExecutionProvider == ExecutionProvider.Cuda)
        {
            var withCuda = CreateBaseOptions();
            try
            {
                withCuda.AppendExecutionProvider_CUDA(_options.CudaDeviceId);
                _logger.LogInformation("Running models with the CUDA execution provider on device {DeviceId}", _options.CudaDeviceId);
                return withCuda;
            }
            catch (OnnxRuntimeException ex)
            {
                withCuda.Dispose();
                _logger.LogWarning(
                    ex,
                    "CUDA execution provider requested but unavailable ({Reason}); falling back to CPU",
                    ex.NativeMessage.Length > 0 ? ex.NativeMessage : ex.Message);
            }
        }

        return CreateBaseOptions();
    }

    private SessionOptions CreateBaseOptions()
    {
        var options = new SessionOptions();
        try
        {
            options.GraphOptimizationLevel = _options.GraphOptimizationLevel;
            if (_options.IntraOpNumThreads > 0)
            {
                options.IntraOpNumThreads = _options.IntraOpNumThreads;
            }

            if (_options.UsesPreciseQuantizedKernels)
            {
                options.AddSessionConfigEntry("session.x64quantprecision", "1");
            }

            if (!_options.AllowSpinning)
            {
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            }

            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
