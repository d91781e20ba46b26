using ImageSearch.Core.Inference.OnnxRuntime;

namespace ImageSearch.Tests.Inference.OnnxRuntime;

[TestFixture]
public sealed class InferenceSessionTests
{
    private InferenceSession _session = null!;

    [OneTimeSetUp]
    public void LoadModel()
    {
        Assert.That(File.Exists(ReferenceModel.Path), Is.True, $"{ReferenceModel.Path} is missing: run ./setup.sh");
        _session = new InferenceSession(ReferenceModel.Path);
    }

    [OneTimeTearDown]
    public void DisposeModel() => _session.Dispose();

    [Test]
    public void Session_reports_input_and_output_names_and_shapes()
    {
        Assert.That(_session.InputNames, Is.EqualTo(new[] { ReferenceModel.InputName }));
        Assert.That(_session.OutputNames, Is.EqualTo(new[] { ReferenceModel.OutputName }));

        var input = _session.InputMetadata[ReferenceModel.InputName];
        Assert.That(input.IsTensor, Is.True);
        Assert.That(input.ElementDataType, Is.EqualTo(TensorElementType.Float));
        Assert.That(input.Dimensions, Is.EqualTo(new[] { -1, 3, 224, 224 }));
        Assert.That(input.SymbolicDimensions[0], Is.Not.Empty, "the batch dimension is symbolic");
        Assert.That(input.SymbolicDimensions.Skip(1), Is.All.Empty);

        var output = _session.OutputMetadata[ReferenceModel.OutputName];
        Assert.That(output.ElementDataType, Is.EqualTo(TensorElementType.Float));
        Assert.That(output.Dimensions, Is.EqualTo(new[] { -1, ReferenceModel.FeatureLength }));
    }

    [Test]
    public void Outputs_report_their_type_and_shape()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(ReferenceModel.Images(1, seed: 1), ReferenceModel.Shape(1));
        using var outputs = _session.Run(null, [ReferenceModel.InputName], [input], [ReferenceModel.OutputName]);

        Assert.That(outputs, Has.Count.EqualTo(1));
        Assert.That(outputs[0].IsTensor, Is.True);
        var info = outputs[0].GetTensorTypeAndShape();
        Assert.That(info.ElementDataType, Is.EqualTo(TensorElementType.Float));
        Assert.That(info.Shape, Is.EqualTo(new long[] { 1, ReferenceModel.FeatureLength }));
        Assert.That(info.ElementCount, Is.EqualTo(ReferenceModel.FeatureLength));
        Assert.That(outputs[0].GetTensorDataAsSpan<float>().ToArray(), Has.Some.Not.EqualTo(0f));
    }

    [Test]
    public void A_batch_of_two_gives_the_same_features_as_two_single_runs()
    {
        var batch = ReferenceModel.Images(2, seed: 7);
        var both = ReferenceModel.Features(_session, batch, 2);
        var first = ReferenceModel.Features(_session, batch[..ReferenceModel.ImageElements], 1);
        var second = ReferenceModel.Features(_session, batch[ReferenceModel.ImageElements..], 1);

        Assert.That(both[..ReferenceModel.FeatureLength], Is.EqualTo(first).Within(1e-4f));
        Assert.That(both[ReferenceModel.FeatureLength..], Is.EqualTo(second).Within(1e-4f));
        Assert.That(first, Is.Not.EqualTo(second));
    }

    [Test]
    public void Concurrent_runs_from_eight_threads_give_identical_outputs()
    {
        var images = ReferenceModel.Images(1, seed: 3);
        var expected = ReferenceModel.Features(_session, images, 1);
        var results = new float[8][];
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 3; round++)
            {
                results[t] = ReferenceModel.Features(_session, images, 1);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        foreach (var result in results)
        {
            Assert.That(result, Is.EqualTo(expected));
        }
    }

    [Test]
    public void Run_writes_into_a_caller_allocated_output_tensor()
    {
        var images = ReferenceModel.Images(1, seed: 5);
        var expected = ReferenceModel.Features(_session, images, 1);
        var features = new float[ReferenceModel.FeatureLength];
        using var input = OrtValue.CreateTensorValueFromMemory(images, ReferenceModel.Shape(1));
        using var output = OrtValue.CreateTensorValueFromMemory(features, [1, ReferenceModel.FeatureLength]);

        _session.Run(null, [ReferenceModel.InputName], [input], [ReferenceModel.OutputName], [output]);

        Assert.That(features, Is.EqualTo(expected), "the run wrote straight into the caller's array");
    }

    [Test]
    public void Run_options_with_a_log_tag_are_accepted_and_terminate_stops_the_run()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(ReferenceModel.Images(1, seed: 2), ReferenceModel.Shape(1));
        using var options = new RunOptions { LogTag = "tagged-run" };
        using (var outputs = _session.Run(options, [ReferenceModel.InputName], [input], [ReferenceModel.OutputName]))
        {
            Assert.That(outputs, Has.Count.EqualTo(1));
        }

        options.Terminate = true;
        Assert.Throws<OnnxRuntimeException>(() => _session.Run(options, [ReferenceModel.InputName], [input], [ReferenceModel.OutputName]).Dispose());
        options.Terminate = false;
        Assert.That(options.LogTag, Is.EqualTo("tagged-run"));
        using var again = _session.Run(options, [ReferenceModel.InputName], [input], [ReferenceModel.OutputName]);
        Assert.That(again, Has.Count.EqualTo(1));
    }

    [Test]
    public void An_unknown_input_name_raises_OnnxRuntimeException_with_ORTs_message()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(ReferenceModel.Images(1, seed: 1), ReferenceModel.Shape(1));

        var ex = Assert.Throws<OnnxRuntimeException>(() => _session.Run(null, ["no_such_input"], [input], [ReferenceModel.OutputName]).Dispose());

        Assert.That(ex.ErrorCode, Is.EqualTo(OrtErrorCode.ORT_INVALID_ARGUMENT));
        Assert.That(ex.NativeMessage, Does.Contain("no_such_input"));
    }

    [Test]
    public void An_unknown_output_name_raises_OnnxRuntimeException_with_ORTs_message()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(ReferenceModel.Images(1, seed: 1), ReferenceModel.Shape(1));

        var ex = Assert.Throws<OnnxRuntimeException>(() => _session.Run(null, [ReferenceModel.InputName], [input], ["no_such_output"]).Dispose());

        Assert.That(ex.NativeMessage, Does.Contain("no_such_output"));
    }

    [Test]
    public void A_wrong_input_shape_raises_OnnxRuntimeException_not_a_crash()
    {
        var small = new float[3 * 100 * 100];
        using var input = OrtValue.CreateTensorValueFromMemory(small, [1, 3, 100, 100]);

        var ex = Assert.Throws<OnnxRuntimeException>(() => _session.Run(null, [ReferenceModel.InputName], [input], [ReferenceModel.OutputName]).Dispose());

        Assert.That(ex.ErrorCode, Is.EqualTo(OrtErrorCode.ORT_INVALID_ARGUMENT));
        Assert.That(ex.NativeMessage, Does.Contain("dimensions").IgnoreCase);
    }

    [Test]
    public void A_wrong_input_element_type_raises_OnnxRuntimeException()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(new double[ReferenceModel.ImageElements], ReferenceModel.Shape(1));

        var ex = Assert.Throws<OnnxRuntimeException>(() => _session.Run(null, [ReferenceModel.InputName], [input], [ReferenceModel.OutputName]).Dispose());

        Assert.That(ex.NativeMessage, Does.Contain("tensor(double)"));
    }

    [Test]
    public void Mismatched_name_and_value_counts_are_rejected_before_calling_ORT()
    {
        Assert.Throws<ArgumentException>(() => _session.Run(null, [ReferenceModel.InputName], [], [ReferenceModel.OutputName]).Dispose());
    }
}
