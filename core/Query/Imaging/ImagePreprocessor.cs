namespace ImageSearch.Core.Query.Imaging;

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
        // JPEG DCT scaling is a cruder filter than the resize: keep a quarter more pixels than the resize needs, so a
        // 12 MP photo still decodes at 1/8 while the crop stays within 3/255 of a full decode.
        _decodeOptions = new DecodeOptions { MaxPixels = maxPixels, MinShortSide = tensorizer.Options.ResizeShortSide * 5 / 4 };
    }

    public ImageTensorizer Tensorizer { get; }

    /// <summary>The decoder that turns bytes into pixels.</summary>
    public IImageDecoder Decoder => _decoder;

    public int TensorLength => Tensorizer.TensorLength;

    /// <summary>How the preprocessor asks decoders to decode (pixel limit, reduced JPEG scale).</summary>
    public DecodeOptions DecodeOptions => _decodeOptions;

    /// <summary>
    /// The upright pixels <see cref="Preprocess"/> starts from (possibly at a reduced JPEG scale that keeps enough for the
    /// resize); the caller disposes them. Throws <see cref="ImageDecodeException"/> for bytes it cannot use.
    /// </summary>
    public RgbImage Decode(ReadOnlySpan<byte> encoded) => _decoder.Decode(encoded, _decodeOptions);

    /// <summary>Writes the tensor of one image. Throws <see cref="ImageDecodeException"/> for bytes it cannot use.</summary>
    public void Preprocess(ReadOnlySpan<byte> encoded, Span<float> destination)
    {
        var info = _decoder.Identify(encoded);
        using var image = _decoder.Decode(encoded, _decodeOptions);
        Tensorizer.Write(image, destination, info.Orientation >= 5 ? (info.Height, info.Width) : (info.Width, info.Height));
    }
}
