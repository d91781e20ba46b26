using ImageSearch.Core.Inference.OnnxRuntime;

namespace ImageSearch.Tests.Inference.OnnxRuntime;

[TestFixture]
public sealed class SessionLifetimeTests
{
    [Test]
    public void A_missing_model_file_raises_OnnxRuntimeException_with_ORTs_message()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.onnx");

        var ex = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path).Dispose());

        Assert.That(ex.ErrorCode, Is.EqualTo(OrtErrorCode.ORT_NO_SUCHFILE));
        Assert.That(ex.NativeMessage, Does.Contain(path));
        Assert.That(ex.Message, Does.Contain(ex.NativeMessage));
    }

    [Test]
    public void A_garbage_model_file_raises_OnnxRuntimeException_with_ORTs_message()
    {
        var path = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) ^ 0xA5))]);
        try
        {
            var ex = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path).Dispose());

            Assert.That(ex.ErrorCode, Is.EqualTo(OrtErrorCode.ORT_INVALID_PROTOBUF));
            Assert.That(ex.NativeMessage, Is.Not.Empty);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task Disposing_a_session_twice_is_safe()
    {
        var session = new InferenceSession(ReferenceModel.Path);

        session.Dispose();

        Assert.DoesNotThrow(session.Dispose);
        await Assert.DoesNotThrowAsync(async () => await session.DisposeAsync());
    }

    [Test]
    public void Running_a_disposed_session_throws_ObjectDisposedException()
    {
        var session = new InferenceSession(ReferenceModel.Path);
        using var input = OrtValue.CreateTensorValueFromMemory(ReferenceModel.Images(1, seed: 1), ReferenceModel.Shape(1));
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run(null, [ReferenceModel.InputName], [input], [ReferenceModel.OutputName]).Dispose());
        Assert.That(session.InputNames, Is.EqualTo(new[] { ReferenceModel.InputName }), "metadata stays readable");
    }

    [Test]
    public void Disposing_while_runs_are_in_flight_lets_them_finish_or_fail_cleanly()
    {
        var session = new InferenceSession(ReferenceModel.Path);
        var images = ReferenceModel.Images(1, seed: 9);
        using var start = new Barrier(5);
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 5; round++)
            {
                try
                {
                    ReferenceModel.Features(session, images, 1);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (Exception ex) when (ex is not ObjectDisposedException)
                {
                    failures.Add(ex);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());

        start.SignalAndWait();
        Thread.Sleep(20);
        session.Dispose();
        threads.ForEach(t => t.Join());

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task A_session_can_be_disposed_asynchronously()
    {
        var session = new InferenceSession(ReferenceModel.Path);
        await session.DisposeAsync();

        using var input = OrtValue.CreateTensorValueFromMemory(ReferenceModel.Images(1, seed: 1), ReferenceModel.Shape(1));
        Assert.Throws<ObjectDisposedException>(() => session.Run(null, [ReferenceModel.InputName], [input], [ReferenceModel.OutputName]).Dispose());
    }

    [Test]
    public void Session_options_apply_every_setting_and_the_session_still_runs()
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableCpuMemArena = false,
            EnableMemoryPattern = false,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        using var session = new InferenceSession(ReferenceModel.Path, options);
        using var reference = new InferenceSession(ReferenceModel.Path);
        var images = ReferenceModel.Images(1, seed: 11);

        Assert.That(ReferenceModel.Features(session, images, 1), Is.EqualTo(ReferenceModel.Features(reference, images, 1)).Within(1e-3f));
        Assert.That(options.GraphOptimizationLevel, Is.EqualTo(GraphOptimizationLevel.ORT_ENABLE_BASIC));
    }

    [Test]
    public void Appending_CUDA_throws_OnnxRuntimeException_when_the_provider_cannot_be_loaded()
    {
        using var options = new SessionOptions();

        var ex = Assert.Throws<OnnxRuntimeException>(() => options.AppendExecutionProvider_CUDA(0));

        Assert.That(ex.NativeMessage, Is.Not.Empty);
        TestContext.Out.WriteLine(ex.Message);
    }

    [Test]
    public void Using_disposed_session_options_throws_ObjectDisposedException()
    {
        var options = new SessionOptions();
        options.Dispose();

        Assert.Throws<ObjectDisposedException>(() => options.IntraOpNumThreads = 2);
        Assert.Throws<ObjectDisposedException>(() => new InferenceSession(ReferenceModel.Path, options).Dispose());
        Assert.DoesNotThrow(options.Dispose);
    }
}
