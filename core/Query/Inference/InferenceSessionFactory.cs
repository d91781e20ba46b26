using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Core.Query.Inference;

/// <summary>Creates ONNX Runtime <see cref="InferenceSession"/>s configured by <see cref="InferenceOptions"/>.</summary>
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
        OnnxRuntimeLog.EnsureCapturing();
        OnnxRuntimeLog.WriteTo(logger);
    }

    /// <summary>
    /// Loads <paramref name="modelPath"/> and says which execution provider runs it. When CUDA is requested but its
    /// provider cannot be loaded, logs a warning with ONNX Runtime's own reason and runs on the CPU.
    /// </summary>
    public LoadedModel Create(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (_options.UsesPreciseQuantizedKernels && _options.QuantizedPrecision == QuantizedPrecision.Auto)
        {
            _logger.LogInformation("This processor has no VNNI: int8 convolutions use ONNX Runtime's precise kernels (slower, but without 16-bit saturation)");
        }

        var (sessionOptions, provider) = CreateSessionOptions();
        using (sessionOptions)
        {
            return new LoadedModel(new InferenceSession(modelPath, sessionOptions), provider);
        }
    }

    private (SessionOptions Options, ExecutionProvider Provider) CreateSessionOptions()
    {
        if (_options.ExecutionProvider == ExecutionProvider.Cuda)
        {
            var withCuda = CreateBaseOptions();
            var mark = OnnxRuntimeLog.Mark();
            try
            {
                withCuda.AppendExecutionProvider_CUDA(_options.CudaDeviceId);
                _logger.LogInformation("Running models with the CUDA execution provider on device {DeviceId}", _options.CudaDeviceId);
                return (withCuda, ExecutionProvider.Cuda);
            }
            catch (OnnxRuntimeException ex)
            {
                withCuda.Dispose();
                var reason = OnnxRuntimeLog.ReasonSince(mark);
                _logger.LogWarning(
                    "CUDA execution provider requested but unavailable ({Reason}); falling back to CPU",
                    reason.Length > 0 ? reason : ex.Message);
            }
            catch (EntryPointNotFoundException)
            {
                // The CPU package's library does not even export the CUDA provider's entry point.
                withCuda.Dispose();
                _logger.LogWarning(
                    "CUDA execution provider requested but unavailable ({Reason}); falling back to CPU",
                    "this ONNX Runtime is the CPU-only package Microsoft.ML.OnnxRuntime; build with -p:OnnxRuntimeFlavor=Gpu for CUDA");
            }
        }

        return (CreateBaseOptions(), ExecutionProvider.Cpu);
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
