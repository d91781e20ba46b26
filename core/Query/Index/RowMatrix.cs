using System.Runtime.InteropServices;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// A read-only row-major matrix that a scan reads through a raw pointer: either a managed array (pinned while a
/// <see cref="Lease"/> is open) or a region of a memory-mapped file, whose mapping a lease keeps alive, so a search
/// that is still running when a reload releases the file finishes safely.
/// </summary>
/// <remarks>
/// This is storage a scan reads, not a value to pass around: the vectors an index is made from travel as
/// <see cref="LinearAlgebra.VectorRows"/>, over whose array an index lays a <see cref="RowMatrix{T}"/>.
/// </remarks>
public sealed unsafe class RowMatrix<T>
    where T : unmanaged
{
    /// <summary>Exposes a float matrix as <see cref="IExactRows"/> (the rows a compact search rescores).</summary>
    public IExactRows AsExactRows() => this is RowMatrix<float> floats ? new FloatRows(floats) : throw new InvalidOperationException("Only float rows are vectors.");

    private readonly T[]? _array;
    private readonly SafeHandle? _mapping;
    private readonly long _byteOffset;

    public RowMatrix(T[] array, int width)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        if (width == 0 ? array.Length != 0 : array.Length % width != 0)
        {
            throw new ArgumentException($"{array.Length} values are not whole rows of {width}.", nameof(array));
        }

        _array = array;
        Width = width;
        Rows = width == 0 ? 0 : array.Length / width;
    }

    /// <summary>Rows of a mapped file; <paramref name="mapping"/> must hold a pointer to the start of the mapping.</summary>
    internal RowMatrix(SafeHandle mapping, long byteOffset, int rows, int width)
    {
        _mapping = mapping;
        _byteOffset = byteOffset;
        Rows = rows;
        Width = width;
    }

    public int Rows { get; }

    public int Width { get; }

    /// <summary>Copies row <paramref name="row"/> into <paramref name="destination"/>.</summary>
    public void CopyRow(int row, Span<T> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Rows, nameof(row));
        using var lease = Acquire();
        lease.Row(row).CopyTo(destination);
    }

    public T[] ToArray()
    {
        using var lease = Acquire();
        return new ReadOnlySpan<T>(lease.Pointer, checked(Rows * Width)).ToArray();
    }

    /// <summary>Pins the rows (or keeps the mapping alive) until the lease is disposed.</summary>
    public Lease Acquire()
    {
        if (_array is not null)
        {
            var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
            return new Lease((T*)handle.AddrOfPinnedObject(), Width, handle, null);
        }

        var added = false;
        _mapping!.DangerousAddRef(ref added);
        return new Lease((T*)((byte*)_mapping.DangerousGetHandle() + _byteOffset), Width, default, _mapping);
    }

    public readonly ref struct Lease
    {
        private readonly GCHandle _pin;
        private readonly SafeHandle? _mapping;

        internal Lease(T* pointer, int width, GCHandle pin, SafeHandle? mapping)
        {
            Pointer = pointer;
            Width = width;
            _pin = pin;
            _mapping = mapping;
        }

        public T* Pointer { get; }

        public int Width { get; }

        public T* RowPointer(int row) => Pointer + ((long)row * Width);

        public ReadOnlySpan<T> Row(int row) => new(RowPointer(row), Width);

        public void Dispose()
        {
            if (_pin.IsAllocated)
            {
                _pin.Free();
            }

            _mapping?.DangerousRelease();
        }
    }

    private sealed class FloatRows(RowMatrix<float> matrix) : IExactRows
    {
        public int Rows => matrix.Rows;

        public int Width => matrix.Width;

        public void CopyRow(int row, Span<float> destination) => matrix.CopyRow(row, destination);

        public void Prefetch(ReadOnlySpan<int> rows)
        {
        }
    }
}
