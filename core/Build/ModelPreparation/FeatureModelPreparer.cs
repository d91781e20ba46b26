using Google.Protobuf;
using ImageSearch.Core.IO;
using Onnx;

namespace ImageSearch.Core.Build.ModelPreparation;

/// <summary>
/// Turns an ImageNet classifier into a feature extractor: cuts the graph at its last global average pooling, so the
/// model outputs the pooled activation (<c>features</c>, <c>[batch, channels]</c>) instead of class logits.
/// </summary>
/// <remarks>
/// Works for CNN classifiers whose head is global average pooling followed by a classifier: float graphs
/// (<c>GlobalAveragePool</c> or <c>ReduceMean</c> over the spatial axes) and QOperator-quantised graphs
/// (<c>com.microsoft.QLinearGlobalAveragePool</c>, where the feature map is dequantised and pooled in float, as
/// ONNX Runtime's own quantisation tools do). The pooling node is found by walking back from the graph's output, so
/// MobileNet, ResNet, EfficientNet and similar exports need no configuration. Everything the new output does not need
/// (the classifier, unused initialisers) is pruned.
/// </remarks>
public static class FeatureModelPreparer
{
    public const string FeaturesOutputName = "features";

    /// <summary>The output of a model prepared with <see cref="FeatureModelOutput.FeatureMap"/>: <c>[batch, channels, H, W]</c>.</summary>
    public const string FeatureMapOutputName = "feature_map";

    /// <summary>Reads <paramref name="inputPath"/>, prepares it and writes the result atomically to <paramref name="outputPath"/>.</summary>
    public static PreparedModelInfo PrepareFile(string inputPath, string outputPath, FeatureModelOutput output = FeatureModelOutput.Pooled)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var (bytes, info) = Prepare(File.ReadAllBytes(inputPath), output);
        AtomicFile.WriteAllBytes(outputPath, bytes);
        return info;
    }

    /// <summary>Prepares a serialized ONNX model. Throws <see cref="ModelPreparationException"/> when it cannot.</summary>
    public static (byte[] Model, PreparedModelInfo Info) Prepare(ReadOnlySpan<byte> model, FeatureModelOutput output = FeatureModelOutput.Pooled)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelPreparationException($"Not an ONNX model: {e.Message}", e);
        }

        var info = Prepare(proto, output);
        return (proto.ToByteArray(), info);
    }

    internal static PreparedModelInfo Prepare(ModelProto model, FeatureModelOutput output = FeatureModelOutput.Pooled)
    {
        var graph = model.Graph ?? throw new ModelPreparationException("The model has no graph.");
        var editor = new OnnxGraphEditor(graph);
        var imageInput = editor.SingleImageInput();
        var pooling = FindHeadPooling(editor);
        var featureMap = FloatFeatureMap(editor, pooling);
        if (output == FeatureModelOutput.FeatureMap)
        {
            // The float map itself, under a fixed name: pooling (GeM, R-MAC...) is then done by the caller.
            editor.RenameTensor(FeatureMapOutputName, FeatureMapOutputName + "_original");
            editor.AddNode("Identity", [featureMap], [FeatureMapOutputName], "feature_map_output");
            var mapChannels = editor.ChannelCount(featureMap);
            editor.SetSingleOutput(FeatureMapOutputName, imageInput.Type.TensorType.Shape?.Dim.FirstOrDefault(), mapChannels, spatial: true);
            var pruned = editor.PruneToOutputs();
            return new PreparedModelInfo(imageInput.Name, FeatureMapOutputName, mapChannels, $"{pooling.OpType} '{pooling.Name}' on '{featureMap}' (feature map kept)", pruned);
        }

        editor.RenameTensor(FeaturesOutputName, FeaturesOutputName + "_original");
        var pooled = editor.UniqueTensorName("features_pooled");
        editor.AddNode("GlobalAveragePool", [featureMap], [pooled], "features_pool");
        editor.AddNode("Flatten", [pooled], [FeaturesOutputName], "features_flatten", new AttributeProto { Name = "axis", I = 1, Type = AttributeProto.Types.AttributeType.Int });

        var channels = editor.ChannelCount(featureMap);
        var batch = imageInput.Type.TensorType.Shape?.Dim.FirstOrDefault();
        editor.SetSingleOutput(FeaturesOutputName, batch, channels);
        var removed = editor.PruneToOutputs();

        return new PreparedModelInfo(
            imageInput.Name,
            FeaturesOutputName,
            channels,
            $"{pooling.OpType} '{pooling.Name}' on '{featureMap}'",
            removed);
    }

    /// <summary>The last global pooling over the spatial axes that the graph's output depends on.</summary>
    private static NodeProto FindHeadPooling(OnnxGraphEditor editor)
    {
        foreach (var node in editor.AncestorsOfOutputs())
        {
            if (IsGlobalPooling(node))
            {
                return node;
            }
        }

        throw new ModelPreparationException(
            "No global average pooling (GlobalAveragePool, QLinearGlobalAveragePool or ReduceMean over axes 2,3) feeds the model's output; " +
            "only CNN classifiers that end in global average pooling can be prepared.");
    }

    private static bool IsGlobalPooling(NodeProto node) => node.OpType switch
    {
        "GlobalAveragePool" => node.Domain is "" or "ai.onnx",
        "QLinearGlobalAveragePool" => node.Domain == "com.microsoft",
        "ReduceMean" => node.Attribute.FirstOrDefault(a => a.Name == "axes") is { } axes && axes.Ints.Order().SequenceEqual([2L, 3L]),
        _ => false,
    };

    /// <summary>The float NCHW feature map the pooling reads; for a quantised pooling, its dequantised form.</summary>
    private static string FloatFeatureMap(OnnxGraphEditor editor, NodeProto pooling)
    {
        if (pooling.OpType != "QLinearGlobalAveragePool")
        {
            return pooling.Input[0];
        }

        if (pooling.Attribute.FirstOrDefault(a => a.Name == "channels_last") is { I: not 0 })
        {
            throw new ModelPreparationException("QLinearGlobalAveragePool with channels_last=1 is not supported.");
        }

        // x, x_scale, x_zero_point: reuse a DequantizeLinear of the same tensor if the graph has one.
        string[] quantized = [pooling.Input[0], pooling.Input[1], pooling.Input[2]];
        var existing = editor.Nodes.FirstOrDefault(n => n.OpType == "DequantizeLinear" && n.Input.SequenceEqual(quantized));
        if (existing is not null)
        {
            return existing.Output[0];
        }

        var dequantized = editor.UniqueTensorName(pooling.Input[0] + "_dequantized");
        editor.AddNode("DequantizeLinear", quantized, [dequantized], "features_dequantize");
        return dequantized;
    }
}
