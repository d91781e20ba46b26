namespace ImageSearch.Core.Imaging;

/// <summary>Encoded image bytes → the model's input tensor: decode (at a reduced JPEG scale when that is free), resize, crop, normalise.</summary>
public sealed class ImagePreprocessor
{
    private readonly IImageDecoder _decoder;
    private readonly DecodeOptions _decodeOptions;

    public ImagePreprocessor(IImageDecoder decoder, ImageTensorizer tensorizer, long maxPixels = 40_000_000)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(tensorizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        _decoder = decoder;
        Tensorizer = tensorizer;
        _decodeOptions = new DecodeOptions { MaxPixels = maxPixels, MinShortSide = tensorizer.Options.ResizeShortSide };
    }

    public ImageTensorizer Tensorizer { get; }

    public int TensorLength => Tensorizer.TensorLength;

    /// <summary>Writes the tensor of one image. Throws <see cref="ImageDecodeException"/> for bytes it cannot use.</summary>
    public void Preprocess(ReadOnlySpan<byte> encoded, Span<float> destination)
    {
        using var image = _decoder.Decode(encoded, _decodeOptions);
        Tensorizer.Write(image, destination);
    }
}
