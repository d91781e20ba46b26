using System.Buffers;
using System.Runtime.InteropServices;

namespace ImageSearch.Core.Query.Imaging;

/// <summary>
/// Memory for decoded pixels. Up to <see cref="MaxPooledLength"/> (a 1.3-megapixel RGB image, more than a photo
/// needs once JPEG's reduced decode applies) it is an array from the shared pool, so everyday decodes allocate
/// nothing. Larger buffers are native memory, freed the moment the buffer is disposed: pooling them kept every size
/// ever decoded alive (seven flat 40-megapixel PNGs left the process 1.5 GB larger for good), and plain arrays
/// waited for a full collection (six such uploads in a row peaked 1.5 GB above idle).
/// </summary>
internal sealed unsafe class PixelBuffer : IDisposable
{
    public const int MaxPooledLength = 4 * 1024 * 1024;

    private byte[]? _array;
    private nint _native;

    private PixelBuffer(int length)
    {
        Length = length;
        if (length <= MaxPooledLength)
        {
            _array = ArrayPool<byte>.Shared.Rent(length);
        }
        else
        {
            _native = (nint)NativeMemory.Alloc((nuint)length);
        }
    }

    ~PixelBuffer() => Release();

    public int Length { get; }

    public Span<byte> Span => _array is { } array
        ? array.AsSpan(0, Length)
        : _native != 0 ? new Span<byte>((void*)_native, Length) : throw new ObjectDisposedException(nameof(PixelBuffer));

    public static PixelBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return new PixelBuffer(length);
    }

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        var native = Interlocked.Exchange(ref _native, 0);
        if (native != 0)
        {
            NativeMemory.Free((void*)native);
        }
    }
}
