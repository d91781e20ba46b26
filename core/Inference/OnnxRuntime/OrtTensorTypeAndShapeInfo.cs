namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>Element type and shape of a tensor <see cref="OrtValue"/>.</summary>
public sealed class OrtTensorTypeAndShapeInfo
{
    internal OrtTensorTypeAndShapeInfo(TensorElementType elementDataType, long[] shape, long elementCount)
    {
        ElementDataType = elementDataType;
        Shape = shape;
        ElementCount = elementCount;
    }

    public TensorElementType ElementDataType { get; }

    /// <summary>The dimensions (-1 for an unknown one).</summary>
    public long[] Shape { get; }

    public int DimensionsCount => Shape.Length;

    /// <summary>The product of the dimensions (1 for a scalar; -1 when a dimension is unknown).</summary>
    public long ElementCount { get; }

    /// <summary>Reads an <c>OrtTensorTypeAndShapeInfo*</c> that the caller keeps ownership of.</summary>
    internal static unsafe OrtTensorTypeAndShapeInfo Read(OrtNativeApi api, nint info)
    {
        int type;
        api.Check(api.GetTensorElementType(info, &type));
        var shape = ReadDimensions(api, info);
        nuint count;
        api.Check(api.GetTensorShapeElementCount(info, &count));
        return new OrtTensorTypeAndShapeInfo((TensorElementType)type, shape, (long)count);
    }

    internal static unsafe long[] ReadDimensions(OrtNativeApi api, nint info)
    {
        nuint rank;
        api.Check(api.GetDimensionsCount(info, &rank));
        var shape = new long[(int)rank];
        fixed (long* p = shape)
        {
            api.Check(api.GetDimensions(info, p, rank));
        }

        return shape;
    }
}
