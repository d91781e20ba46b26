using ImageSearch.Core.Query.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

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

        using var model = factory.Create(ReferenceModel.Path);

        Assert.That(model.Provider, Is.EqualTo(ExecutionProvider.Cpu));
        Assert.That(ReferenceModel.Features(model.Session, ReferenceModel.Images(1, seed: 4), 1), Has.Length.EqualTo(ReferenceModel.FeatureLength));
        Assert.That(logger.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);
    }

    [Test]
    public void A_cuda_request_without_a_usable_gpu_falls_back_to_cpu_and_says_why_in_onnx_runtimes_words()
    {
        var logger = new RecordingLogger<InferenceSessionFactory>();
        var factory = new InferenceSessionFactory(new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda }, logger);

        using var model = factory.Create(ReferenceModel.Path);

        Assert.That(model.Provider, Is.EqualTo(ExecutionProvider.Cpu));
        Assert.That(ReferenceModel.Features(model.Session, ReferenceModel.Images(1, seed: 4), 1), Has.Length.EqualTo(ReferenceModel.FeatureLength));
        var warning = logger.Entries.Single(e => e.Level == LogLevel.Warning);
        Assert.That(warning.Message, Does.Contain("CUDA").And.Contain("falling back to CPU"));

        // The CPU package (what this build uses) has no CUDA provider at all, and the warning says so and how to get
        // one; the CUDA package names the library that failed to load, from ONNX Runtime's own log.
        Assert.That(warning.Message, Does.Contain("CPU-only package Microsoft.ML.OnnxRuntime").And.Contain("OnnxRuntimeFlavor=Gpu"));
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
