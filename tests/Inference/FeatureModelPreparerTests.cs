using System.Numerics.Tensors;
using Google.Protobuf;
using ImageSearch.Core.Build.ModelPreparation;
using Microsoft.ML.OnnxRuntime;
using ImageSearch.Tests.Embedding;
using Onnx;

namespace ImageSearch.Tests.Inference;

public sealed class FeatureModelPreparerTests
{
    [Test]
    public void Released_int8_model_is_cut_at_its_pooled_1280_features()
    {
        var (bytes, info) = FeatureModelPreparer.Prepare(File.ReadAllBytes(ModelZooFixture.ReleasedModel));

        var graph = ModelProto.Parser.ParseFrom(bytes).Graph;
        Assert.That(info.OutputName, Is.EqualTo("features"));
        Assert.That(info.Dimension, Is.EqualTo(1280));
        Assert.That(info.CutAt, Does.StartWith("QLinearGlobalAveragePool"));
        Assert.That(graph.Output.Single().Name, Is.EqualTo("features"));
        var dims = graph.Output[0].Type.TensorType.Shape.Dim;
        Assert.That(dims[0].DimParam, Is.EqualTo("batch_size"));
        Assert.That(dims[1].DimValue, Is.EqualTo(1280));
        Assert.That(graph.Node.Select(n => n.OpType), Has.None.EqualTo("QLinearMatMul"), "the classifier is pruned");
        Assert.That(graph.Initializer.Select(i => i.Name), Has.None.StartsWith("classifier"), "its weights too");
    }

    [Test]
    public void Prepared_int8_model_has_the_same_graph_size_as_the_reference_cut()
    {
        var (bytes, _) = FeatureModelPreparer.Prepare(File.ReadAllBytes(ModelZooFixture.ReleasedModel));
        var ours = ModelProto.Parser.ParseFrom(bytes).Graph;
        var reference = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ModelZooFixture.ReferenceFeatures)).Graph;

        Assert.That(ours.Node, Has.Count.EqualTo(reference.Node.Count));
        Assert.That(ours.Initializer, Has.Count.EqualTo(reference.Initializer.Count));
    }

    [Test]
    public void The_feature_map_option_outputs_the_7x7_map_whose_average_is_the_pooled_features()
    {
        var pooledPath = TempFile("pooled.onnx");
        var mapPath = TempFile("map.onnx");
        FeatureModelPreparer.PrepareFile(ModelZooFixture.ReleasedModel, pooledPath);

        var info = FeatureModelPreparer.PrepareFile(ModelZooFixture.ReleasedModel, mapPath, FeatureModelOutput.FeatureMap);

        Assert.That(info.OutputName, Is.EqualTo("feature_map"));
        var input = RandomImageTensor(seed: 5);
        var map = RunSingleOutput(mapPath, input);
        Assert.That(map, Has.Length.EqualTo(1280 * 7 * 7));
        var averaged = new float[1280];
        ImageSearch.Core.Query.Inference.FeaturePooling.Average.Pool(map, 1280, 7, 7, averaged);
        Assert.That(TensorPrimitives.CosineSimilarity(averaged, RunSingleOutput(pooledPath, input)), Is.GreaterThanOrEqualTo(0.99999f));
    }

    [TestCase("mobilenetv2-12_dequant_features_fp32.onnx")]
    [TestCase("mobilenet_v2_1.0_224_tf_features_fp32.onnx")]
    public void A_float_classifier_is_cut_back_to_its_pooled_features(string featureModel)
    {
        // Give the reference feature graph a classifier head, as an exported ImageNet classifier has, then cut it off again.
        var referencePath = Path.Combine(TestData.ModelsFolder, "reference", featureModel);
        var classifier = WithClassifierHead(ModelProto.Parser.ParseFrom(File.ReadAllBytes(referencePath)), classes: 10);
        var classifierPath = TempFile("classifier.onnx");
        File.WriteAllBytes(classifierPath, classifier.ToByteArray());
        var preparedPath = TempFile("prepared.onnx");

        var info = FeatureModelPreparer.PrepareFile(classifierPath, preparedPath);

        Assert.That(info.Dimension, Is.EqualTo(1280));
        Assert.That(info.CutAt, Does.StartWith("GlobalAveragePool"));
        var input = RandomImageTensor(seed: 7);
        Assert.That(RunSingleOutput(classifierPath, input), Has.Length.EqualTo(10), "the head was really there");
        var ours = RunSingleOutput(preparedPath, input);
        var reference = RunSingleOutput(referencePath, input);
        Assert.That(ours, Has.Length.EqualTo(1280));
        Assert.That(TensorPrimitives.CosineSimilarity(ours, reference), Is.GreaterThanOrEqualTo(0.99999f));
    }

    [Test]
    public void Preparing_an_already_prepared_model_changes_nothing_it_computes()
    {
        var once = TempFile("once.onnx");
        var twice = TempFile("twice.onnx");
        FeatureModelPreparer.PrepareFile(ModelZooFixture.ReleasedModel, once);

        FeatureModelPreparer.PrepareFile(once, twice);

        var input = RandomImageTensor(seed: 3);
        Assert.That(RunSingleOutput(twice, input), Is.EqualTo(RunSingleOutput(once, input)));
    }

    [Test]
    public void A_graph_without_global_pooling_is_refused_with_a_clear_message()
    {
        var model = TinyGraph("Flatten");

        var error = Assert.Throws<ModelPreparationException>(() => FeatureModelPreparer.Prepare(model.ToByteArray()));

        Assert.That(error!.Message, Does.Contain("global average pooling"));
    }

    [Test]
    public void Bytes_that_are_not_an_onnx_model_are_refused()
    {
        var error = Assert.Throws<ModelPreparationException>(() => FeatureModelPreparer.Prepare("not a model at all"u8));

        Assert.That(error!.Message, Does.StartWith("Not an ONNX model"));
    }

    [Test]
    public void Output_is_written_atomically_and_an_existing_file_is_replaced()
    {
        var path = TempFile("atomic.onnx");
        File.WriteAllText(path, "old");

        FeatureModelPreparer.PrepareFile(ModelZooFixture.ReleasedModel, path);

        Assert.That(new FileInfo(path).Length, Is.GreaterThan(1_000_000));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"), Is.Empty);
    }

    private static ModelProto WithClassifierHead(ModelProto model, int classes)
    {
        var graph = model.Graph;
        var random = new Random(42);
        var weights = new TensorProto { Name = "head.weight", DataType = (int)TensorProto.Types.DataType.Float };
        weights.Dims.Add([classes, 1280]);
        weights.FloatData.Add(Enumerable.Range(0, classes * 1280).Select(_ => (float)(random.NextDouble() - 0.5)));
        var bias = new TensorProto { Name = "head.bias", DataType = (int)TensorProto.Types.DataType.Float };
        bias.Dims.Add(classes);
        bias.FloatData.Add(Enumerable.Repeat(0.1f, classes));
        graph.Initializer.Add(weights);
        graph.Initializer.Add(bias);
        var gemm = new NodeProto { OpType = "Gemm", Name = "head" };
        gemm.Input.Add([graph.Output[0].Name, "head.weight", "head.bias"]);
        gemm.Output.Add("logits");
        gemm.Attribute.Add(new AttributeProto { Name = "transB", I = 1, Type = AttributeProto.Types.AttributeType.Int });
        graph.Node.Add(gemm);
        var output = graph.Output[0].Clone();
        output.Name = "logits";
        output.Type.TensorType.Shape.Dim[1] = new TensorShapeProto.Types.Dimension { DimValue = classes };
        graph.Output.Clear();
        graph.Output.Add(output);
        return model;
    }

    private static ModelProto TinyGraph(string opType)
    {
        static ValueInfoProto Tensor(string name, params long[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
        }

        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Tensor("input", 1, 3, 4, 4));
        graph.Output.Add(Tensor("output", 1, 48));
        var node = new NodeProto { OpType = opType, Name = "only" };
        node.Input.Add("input");
        node.Output.Add("output");
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 7, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model;
    }

    private static float[] RandomImageTensor(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static float[] RunSingleOutput(string modelPath, float[] input)
    {
        using var session = new InferenceSession(modelPath);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [tensor], [session.OutputNames[0]]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static string TempFile(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), "imagesearch-prepare-tests", TestContext.CurrentContext.Test.ID);
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }
}
