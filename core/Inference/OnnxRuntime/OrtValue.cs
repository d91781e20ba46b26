using System.Buffers;

namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>
/// An ONNX value (an <c>OrtValue</c>): either a tensor over caller-owned memory, pinned and not copied, for as long
/// as this object lives, or a tensor that ONNX Runtime allocated as a run's output.
/// </summary>
public sealed unsafe class OrtValue : IDisposable
{
    private readonly OrtHandle _handle;

    private OrtValue(OrtHandle handle) => _handle = handle;

    /// <summary>Whether the value is a tensor.</summary>
    public bool IsTensor
    {
        get
        {
            var api = OrtLibrary.Api;
            int isTensor;
            using (Use(out var h))
            {
                api.Check(api.IsTensor(h, &isTensor));
            }

            return isTensor != 0;
        }
    }

    /// <summary>The kind of value (tensor, sequence, map...).</summary>
    public OnnxValueType OnnxType
    {
        get
        {
            var api = OrtLibrary.Api;
            int type;
            using (Use(out var h))
            {
                api.Check(api.GetValueType(h, &type));
            }

            return (OnnxValueType)type;
        }
    }

    internal OrtHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    /// <summary>A tensor over <paramref name="data"/>, without copying it; the array stays pinned until the value is
    /// disposed, and changes to it are seen by ORT.</summary>
    public static OrtValue CreateTensorValueFromMemory<T>(T[] data, long[] shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(), shape);
    }

    /// <summary>A tensor over caller-owned <paramref name="memory"/> described by <paramref name="memoryInfo"/>,
    /// without copying; the memory stays pinned until the value is disposed.</summary>
    public static OrtValue CreateTensorValueFromMemory<T>(OrtMemoryInfo memoryInfo, Memory<T> memory, long[] shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(memoryInfo);
        ArgumentNullException.ThrowIfNull(shape);
        var elementType = TensorElementTypeOf.Get<T>();
        var count = ElementCount(shape);
        if (count != memory.Length)
        {
            throw new ArgumentException(
                $"The shape [{string.Join(',', shape)}] holds {count} elements but the buffer holds {memory.Length}.",
                nameof(shape));
        }

        var api = OrtLibrary.Api;
        var pin = memory.Pin();
        try
        {
            nint value;
            var infoHandle = memoryInfo.Handle;
            fixed (long* dims = shape)
            {
                api.Check(api.CreateTensorWithDataAsOrtValue(
                    infoHandle.DangerousGetHandle(),
                    pin.Pointer,
                    (nuint)((long)memory.Length * sizeof(T)),
                    dims,
                    (nuint)shape.Length,
                    (int)elementType,
                    &value));
            }

            GC.KeepAlive(memoryInfo);
            return new OrtValue(new PinnedValueHandle(value, api.ReleaseValue, pin));
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>Element type, shape and element count of the tensor.</summary>
    public OrtTensorTypeAndShapeInfo GetTensorTypeAndShape()
    {
        var api = OrtLibrary.Api;
        using (Use(out var h))
        {
            nint info;
            api.Check(api.GetTensorTypeAndShape(h, &info));
            try
            {
                return OrtTensorTypeAndShapeInfo.Read(api, info);
            }
            finally
            {
                api.ReleaseTensorTypeAndShapeInfo(info);
            }
        }
    }

    /// <summary>The tensor's elements, read-only. Valid while this value is alive.</summary>
    public ReadOnlySpan<T> GetTensorDataAsSpan<T>()
        where T : unmanaged => GetTensorMutableDataAsSpan<T>();

    /// <summary>The tensor's elements, writable. Valid while this value is alive.</summary>
    public Span<T> GetTensorMutableDataAsSpan<T>()
        where T : unmanaged
    {
        var info = GetTensorTypeAndShape();
        var expected = TensorElementTypeOf.Get<T>();
        if (info.ElementDataType != expected)
        {
            throw new InvalidOperationException(
                $"The tensor holds {info.ElementDataType} elements, not {expected} ({typeof(T).Name}).");
        }

        var api = OrtLibrary.Api;
        void* data;
        using (Use(out var h))
        {
            api.Check(api.GetTensorMutableData(h, &data));
        }

        return new Span<T>(data, checked((int)info.ElementCount));
    }

    public void Dispose() => _handle.Dispose();

    internal static OrtValue FromOwnedHandle(nint value) => new(new OrtHandle(value, OrtLibrary.Api.ReleaseValue));

    private static long ElementCount(long[] shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"The shape [{string.Join(',', shape)}] has a negative dimension.", nameof(shape));
            }

            count = checked(count * dim);
        }

        return count;
    }

    private HandleUse Use(out nint h)
    {
        var use = new HandleUse(Handle);
        h = use.Pointer;
        return use;
    }

    /// <summary>The value's handle, with the pinned memory it points into released right after it.</summary>
    private sealed class PinnedValueHandle(nint handle, delegate* unmanaged<nint, void> release, MemoryHandle pin)
        : OrtHandle(handle, release)
    {
        private MemoryHandle _pin = pin;

        protected override void OnReleased() => _pin.Dispose();
    }
}
