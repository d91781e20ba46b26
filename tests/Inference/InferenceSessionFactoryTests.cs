using ImageSearch.Core.Inference;
using ImageSearch.Core.Inference.OnnxRuntime;
using ImageSearch.Tests.Inference.OnnxRuntime;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Tests.Inference;

[TestFixture]
public sealed class InferenceSessionFactoryTests
{
    [Test]
    public void Cpu_sessions_apply_the_configured_options_and_run()
    {
        var logger = new RecordingLogger<InferenceSessionFactory>();
        var factory = new InferenceSessionFactory(
            new InferenceOptions { IntraOpNumThreads = 2, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED },
            logger);

        using var session = factory.Create(ReferenceModel.Path);

        Assert.That(ReferenceModel.Features(session, ReferenceModel.Images(1, seed: 4), 1), Has.Length.EqualTo(ReferenceModel.FeatureLength));
        Assert.That(logger.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);
    }

    [Test]
    public void A_cuda_request_falls_back_to_cpu_and_logs_a_warning_with_the_reason()
    {
        var logger = new RecordingLogger<InferenceSessionFactory>();
        var factory = new InferenceSessionFactory(new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda }, logger);

        using var session = factory.Create(ReferenceModel.Path);

        Assert.That(ReferenceModel.Features(session, ReferenceModel.Images(1, seed: 4), 1), Has.Length.EqualTo(ReferenceModel.FeatureLength));
        var warning = logger.Entries.Single(e => e.Level == LogLevel.Warning);
        Assert.That(warning.Message, Does.Contain("CUDA").And.Contain("falling back to CPU"));
        Assert.That(warning.Exception, Is.InstanceOf<OnnxRuntimeException>());
        Assert.That(warning.Message, Does.Contain(((OnnxRuntimeException)warning.Exception!).NativeMessage));
    }

    [Test]
    public void Invalid_options_are_rejected_up_front()
    {
        var logger = new RecordingLogger<InferenceSessionFactory>();

        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InferenceSessionFactory(new InferenceOptions { IntraOpNumThreads = -1 }, logger));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InferenceSessionFactory(new InferenceOptions { CudaDeviceId = -1 }, logger));
    }

    [Test]
    public void A_missing_model_surfaces_ORTs_error()
    {
        var factory = new InferenceSessionFactory(new InferenceOptions(), new RecordingLogger<InferenceSessionFactory>());

        Assert.Throws<OnnxRuntimeException>(() => factory.Create("/nonexistent/model.onnx").Dispose());
    }
}
