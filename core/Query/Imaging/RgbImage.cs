namespace ImageSearch.Core.Query.Imaging;

/// <summary>
/// Upright 8-bit RGB pixels (3 bytes a pixel, rows packed without padding), in a <see cref="PixelBuffer"/>: dispose
/// it to give the memory back.
/// </summary>
public sealed class RgbImage : IDisposable
{
    private PixelBuffer? _buffer;

    public RgbImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _buffer = PixelBuffer.Rent(checked(width * height * 3));
    }

    public int Width { get; }

    public int Height { get; }

    public int Stride => Width * 3;

    public Span<byte> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(RgbImage))).Span;

    public Span<byte> Row(int y) => Pixels.Slice(y * Stride, Stride);

    public void Dispose()
    {
        Interlocked.Exchange(ref _buffer, null)?.Dispose();
    }
}
