using Google.Protobuf.Collections;
using Onnx;

namespace ImageSearch.Core.Build.ModelPreparation;

/// <summary>The few graph edits model preparation needs, over ONNX's own protobuf types.</summary>
internal sealed class OnnxGraphEditor
{
    private const int FloatElementType = (int)TensorProto.Types.DataType.Float;

    // Ops whose output has the channel count of their first input.
    private static readonly HashSet<string> ChannelPreserving =
        ["Clip", "Relu", "LeakyRelu", "HardSigmoid", "HardSwish", "Sigmoid", "Mul", "Add", "BatchNormalization",
         "DequantizeLinear", "QuantizeLinear", "QLinearAdd", "QLinearMul", "QLinearSigmoid", "QLinearLeakyRelu", "Identity"];

    private readonly GraphProto _graph;

    public OnnxGraphEditor(GraphProto graph) => _graph = graph;

    public RepeatedField<NodeProto> Nodes => _graph.Node;

    public ValueInfoProto SingleImageInput()
    {
        var initializers = _graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = _graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1
            || inputs[0].Type?.TensorType is not { ElemType: FloatElementType } tensor
            || tensor.Shape is { } shape && shape.Dim.Count != 4)
        {
            throw new ModelPreparationException(
                $"Expected one float NCHW image input; the model has {inputs.Count} input(s): {string.Join(", ", inputs.Select(i => i.Name))}.");
        }

        return inputs[0];
    }

    /// <summary>Nodes the graph's outputs depend on, from the outputs back towards the inputs.</summary>
    public IEnumerable<NodeProto> AncestorsOfOutputs()
    {
        var needed = _graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = _graph.Node.Count - 1; i >= 0; i--)
        {
            var node = _graph.Node[i];
            if (node.Output.Any(needed.Contains))
            {
                needed.UnionWith(node.Input);
                yield return node;
            }
        }
    }

    public string UniqueTensorName(string name)
    {
        var used = AllTensorNames();
        var candidate = name;
        for (var i = 1; used.Contains(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }

        return candidate;
    }

    /// <summary>Renames every use of a tensor, so that its old name is free for a new one.</summary>
    public void RenameTensor(string from, string to)
    {
        if (!AllTensorNames().Contains(from))
        {
            return;
        }

        to = UniqueTensorName(to);
        foreach (var node in _graph.Node)
        {
            Replace(node.Input, from, to);
            Replace(node.Output, from, to);
        }

        foreach (var info in _graph.Input.Concat(_graph.Output).Concat(_graph.ValueInfo).Where(v => v.Name == from))
        {
            info.Name = to;
        }

        foreach (var initializer in _graph.Initializer.Where(i => i.Name == from))
        {
            initializer.Name = to;
        }
    }

    public void AddNode(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, string name, params AttributeProto[] attributes)
    {
        var usedNames = _graph.Node.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var uniqueName = name;
        for (var i = 1; usedNames.Contains(uniqueName); i++)
        {
            uniqueName = $"{name}_{i}";
        }

        var node = new NodeProto { OpType = opType, Name = uniqueName };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
    }

    /// <summary>Channels (dimension 1) of an NCHW tensor, from value_info or from the convolution that makes it.</summary>
    public int? ChannelCount(string tensor)
    {
        for (var depth = 0; depth < 32; depth++)
        {
            var declared = _graph.ValueInfo.Concat(_graph.Output).FirstOrDefault(v => v.Name == tensor)?.Type?.TensorType?.Shape;
            if (declared is { Dim.Count: >= 2 } && declared.Dim[1].DimValue > 0)
            {
                return checked((int)declared.Dim[1].DimValue);
            }

            var producer = _graph.Node.FirstOrDefault(n => n.Output.Contains(tensor));
            switch (producer?.OpType)
            {
                case "Conv":
                    return FirstDimension(producer.Input[1]);
                case "QLinearConv":
                    return FirstDimension(producer.Input[3]);
                case { } op when ChannelPreserving.Contains(op):
                    tensor = producer.Input[0];
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    public void SetSingleOutput(string name, TensorShapeProto.Types.Dimension? batch, int? channels, bool spatial = false)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(batch?.Clone() ?? new TensorShapeProto.Types.Dimension { DimParam = "batch_size" });
        shape.Dim.Add(channels is { } c
            ? new TensorShapeProto.Types.Dimension { DimValue = c }
            : new TensorShapeProto.Types.Dimension { DimParam = "channels" });
        if (spatial)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "height" });
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "width" });
        }

        _graph.Output.Clear();
        _graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatElementType, Shape = shape } },
        });
    }

    /// <summary>Drops every node, initializer, input and value_info the outputs do not need. Returns the nodes removed.</summary>
    public int PruneToOutputs()
    {
        var kept = AncestorsOfOutputs().ToHashSet();
        var removed = _graph.Node.Count - kept.Count;
        var nodes = _graph.Node.Where(kept.Contains).ToList();
        _graph.Node.Clear();
        _graph.Node.AddRange(nodes);

        var used = nodes.SelectMany(n => n.Input).Concat(_graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var produced = nodes.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        RemoveWhere(_graph.Initializer, i => !used.Contains(i.Name));
        RemoveWhere(_graph.Input, i => !used.Contains(i.Name));
        RemoveWhere(_graph.ValueInfo, v => !produced.Contains(v.Name));
        return removed;
    }

    private int? FirstDimension(string initializerName) =>
        _graph.Initializer.FirstOrDefault(i => i.Name == initializerName) is { Dims.Count: > 0 } weight
            ? checked((int)weight.Dims[0])
            : null;

    private HashSet<string> AllTensorNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in _graph.Node)
        {
            names.UnionWith(node.Input);
            names.UnionWith(node.Output);
        }

        names.UnionWith(_graph.Input.Select(i => i.Name));
        names.UnionWith(_graph.Output.Select(o => o.Name));
        names.UnionWith(_graph.Initializer.Select(i => i.Name));
        names.UnionWith(_graph.ValueInfo.Select(v => v.Name));
        return names;
    }

    private static void Replace(RepeatedField<string> names, string from, string to)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == from)
            {
                names[i] = to;
            }
        }
    }

    private static void RemoveWhere<T>(RepeatedField<T> items, Func<T, bool> predicate)
    {
        var keep = items.Where(item => !predicate(item)).ToList();
        items.Clear();
        items.AddRange(keep);
    }
}
