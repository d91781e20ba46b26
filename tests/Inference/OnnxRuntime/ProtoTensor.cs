using System.Runtime.InteropServices;
using ImageSearch.Core.Inference.OnnxRuntime;

namespace ImageSearch.Tests.Inference.OnnxRuntime;

/// <summary>A tensor read from a serialized <c>onnx.TensorProto</c> (the .pb files of ONNX's node tests), from
/// raw_data or the typed fields.</summary>
internal sealed class ProtoTensor
{
    private ProtoTensor(string name, TensorElementType type, long[] shape, Array data)
    {
        Name = name;
        ElementType = type;
        Shape = shape;
        Data = data;
    }

    public string Name { get; }

    public TensorElementType ElementType { get; }

    public long[] Shape { get; }

    public Array Data { get; }

    public static ProtoTensor Load(string path)
    {
        var proto = Onnx.TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var raw = proto.RawData.Span;
        var hasRaw = !proto.RawData.IsEmpty;
        var type = (TensorElementType)proto.DataType;
        Array data = type switch
        {
            TensorElementType.Float => hasRaw ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : [.. proto.FloatData],
            TensorElementType.Double => hasRaw ? MemoryMarshal.Cast<byte, double>(raw).ToArray() : [.. proto.DoubleData],
            TensorElementType.UInt8 => hasRaw ? raw.ToArray() : proto.Int32Data.Select(v => (byte)v).ToArray(),
            TensorElementType.Int8 => hasRaw ? MemoryMarshal.Cast<byte, sbyte>(raw).ToArray() : proto.Int32Data.Select(v => (sbyte)v).ToArray(),
            TensorElementType.Int16 => hasRaw ? MemoryMarshal.Cast<byte, short>(raw).ToArray() : proto.Int32Data.Select(v => (short)v).ToArray(),
            TensorElementType.Int32 => hasRaw ? MemoryMarshal.Cast<byte, int>(raw).ToArray() : [.. proto.Int32Data],
            TensorElementType.Int64 => hasRaw ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : [.. proto.Int64Data],
            TensorElementType.Bool => hasRaw ? raw.ToArray().Select(b => b != 0).ToArray() : proto.Int32Data.Select(v => v != 0).ToArray(),
            _ => throw new NotSupportedException($"{path}: tensors of {type} are not supported by this reader."),
        };
        return new ProtoTensor(proto.Name, type, [.. proto.Dims], data);
    }

    /// <summary>An <see cref="OrtValue"/> over <see cref="Data"/> (no copy).</summary>
    /// <remarks>Switches on <see cref="ElementType"/>, not the array's type: the CLR lets an sbyte[] pass as byte[].</remarks>
    public OrtValue ToOrtValue() => ElementType switch
    {
        TensorElementType.Float => OrtValue.CreateTensorValueFromMemory((float[])Data, Shape),
        TensorElementType.Double => OrtValue.CreateTensorValueFromMemory((double[])Data, Shape),
        TensorElementType.UInt8 => OrtValue.CreateTensorValueFromMemory((byte[])Data, Shape),
        TensorElementType.Int8 => OrtValue.CreateTensorValueFromMemory((sbyte[])Data, Shape),
        TensorElementType.Int16 => OrtValue.CreateTensorValueFromMemory((short[])Data, Shape),
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory((int[])Data, Shape),
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory((long[])Data, Shape),
        TensorElementType.Bool => OrtValue.CreateTensorValueFromMemory((bool[])Data, Shape),
        _ => throw new NotSupportedException(ElementType.ToString()),
    };

    /// <summary>The elements of <paramref name="value"/> as an array of this tensor's element type.</summary>
    public static Array ReadElements(OrtValue value, TensorElementType type) => type switch
    {
        TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
        TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
        TensorElementType.UInt8 => value.GetTensorDataAsSpan<byte>().ToArray(),
        TensorElementType.Int8 => value.GetTensorDataAsSpan<sbyte>().ToArray(),
        TensorElementType.Int16 => value.GetTensorDataAsSpan<short>().ToArray(),
        TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray(),
        TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray(),
        TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray(),
        _ => throw new NotSupportedException(type.ToString()),
    };
}
