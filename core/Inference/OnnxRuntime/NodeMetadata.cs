namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>Type and shape of one model input or output.</summary>
public sealed class NodeMetadata
{
    internal NodeMetadata(OnnxValueType onnxValueType, TensorElementType elementDataType, int[] dimensions, string[] symbolicDimensions)
    {
        OnnxValueType = onnxValueType;
        ElementDataType = elementDataType;
        Dimensions = dimensions;
        SymbolicDimensions = symbolicDimensions;
    }

    public OnnxValueType OnnxValueType { get; }

    public bool IsTensor => OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR;

    /// <summary>The tensor's element type (<see cref="TensorElementType.DataTypeUndefined"/> for non-tensors).</summary>
    public TensorElementType ElementDataType { get; }

    /// <summary>The dimensions, -1 where the model leaves one symbolic or unknown.</summary>
    public int[] Dimensions { get; }

    /// <summary>The symbolic name of each dimension ("" where it is fixed or unnamed).</summary>
    public string[] SymbolicDimensions { get; }

    /// <summary>Reads an <c>OrtTypeInfo*</c>; the caller keeps ownership.</summary>
    internal static unsafe NodeMetadata Read(OrtNativeApi api, nint typeInfo)
    {
        int onnxType;
        api.Check(api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if ((OnnxValueType)onnxType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            return new NodeMetadata((OnnxValueType)onnxType, TensorElementType.DataTypeUndefined, [], []);
        }

        nint tensorInfo; // owned by typeInfo
        api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elementType;
        api.Check(api.GetTensorElementType(tensorInfo, &elementType));
        var shape = OrtTensorTypeAndShapeInfo.ReadDimensions(api, tensorInfo);
        var dimensions = new int[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            dimensions[i] = shape[i] < 0 ? -1 : checked((int)shape[i]);
        }

        var names = new string[shape.Length];
        if (shape.Length > 0)
        {
            var pointers = new nint[shape.Length];
            fixed (nint* p = pointers)
            {
                api.Check(api.GetSymbolicDimensions(tensorInfo, (byte**)p, (nuint)shape.Length));
            }

            for (var i = 0; i < names.Length; i++)
            {
                names[i] = Utf8.ToString((byte*)pointers[i]) ?? string.Empty;
            }
        }

        return new NodeMetadata(OnnxValueType.ONNX_TYPE_TENSOR, (TensorElementType)elementType, dimensions, names);
    }
}
