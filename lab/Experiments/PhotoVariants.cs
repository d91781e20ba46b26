using ImageSearch.Core.Build.Augmentation;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// The variants of one photo that the experiments embed, by name: the fixed crops of the multi-crop experiments (at
/// index time for catalog photos, as test-time crops for query photos) and augmented views. <c>centre</c> is exactly
/// what the engine does (shorter side 256, centre 224); the others are made from one decode of the photo:
/// <list type="bullet">
/// <item><c>flip</c>: the centre crop mirrored.</item>
/// <item><c>short</c>: the whole central square (shorter side 224, centre 224: less zoom than <c>centre</c>).</item>
/// <item><c>zoom</c>: shorter side 320, centre 224 (the central 70%).</item>
/// <item><c>pad</c>: the whole photo, padded to a square with the mean colour of its border, 224×224.</item>
/// <item><c>squash</c>: the whole photo resized to 224×224, aspect ratio not kept.</item>
/// <item><c>tl</c>, <c>tr</c>, <c>bl</c>, <c>br</c>: squares of 80% of the shorter side at the four corners.</item>
/// <item><c>aug-PRESET-K</c>: augmented view K of <see cref="ViewAugmenter"/> with one of <see cref="AugmentationPresets.Presets"/>, then the centre crop.</item>
/// </list>
/// </summary>
internal sealed class PhotoVariants
{
    /// <summary>Every fixed crop (the variants other than augmented views).</summary>
    public static readonly string[] Crops = ["centre", "flip", "short", "zoom", "pad", "squash", "tl", "tr", "bl", "br"];

    private readonly ImagePreprocessor _centre;
    private readonly ImageDecoder _decoder = new();
    private readonly ImageTensorizer _whole;
    private readonly ImageTensorizer _zoom;

    public PhotoVariants(PreprocessingOptions options)
    {
        _centre = new ImagePreprocessor(_decoder, new ImageTensorizer(options));
        _whole = new ImageTensorizer(options with { Name = options.Name + "-whole", ResizeShortSide = options.CropSize });
        _zoom = new ImageTensorizer(options with { Name = options.Name + "-zoom", ResizeShortSide = options.CropSize * 10 / 7 });
    }

    public int TensorLength => _centre.TensorLength;

    /// <summary>Backgrounds for the <c>clutter</c> presets' padded augmented views, by seed (owned by the provider).</summary>
    public Func<int, RgbImage?>? Backgrounds { get; set; }

    /// <summary>Writes the tensor of each requested variant of <paramref name="encoded"/>, one after another.</summary>
    public void Render(ReadOnlySpan<byte> encoded, IReadOnlyList<string> variants, Span<float> destination)
    {
        var length = TensorLength;
        RgbImage? image = null;
        try
        {
            for (var v = 0; v < variants.Count; v++)
            {
                var tensor = destination.Slice(v * length, length);
                var variant = variants[v];
                if (variant is "centre" or "flip")
                {
                    _centre.Preprocess(encoded, tensor);
                    if (variant == "flip")
                    {
                        var side = _centre.Tensorizer.Options.CropSize;
                        for (var row = 0; row < 3 * side; row++)
                        {
                            tensor.Slice(row * side, side).Reverse();
                        }
                    }

                    continue;
                }

                image ??= _decoder.Decode(encoded, new DecodeOptions { MinShortSide = _zoom.Options.ResizeShortSide * 5 / 4 });
                if (AugmentationPresets.TryParse(variant, out var preset, out var number))
                {
                    var augmenter = new ViewAugmenter(AugmentationPresets.Presets[preset]);
                    var seed = augmenter.SeedOf(encoded, number);
                    using var augmented = augmenter.Render(image, seed, preset.StartsWith("clutter", StringComparison.Ordinal) ? Backgrounds?.Invoke(seed) : null);
                    _centre.Tensorizer.Write(augmented, tensor);
                    continue;
                }

                switch (variant)
                {
                    case "short":
                        _whole.Write(image, tensor);
                        break;
                    case "zoom":
                        _zoom.Write(image, tensor);
                        break;
                    case "squash":
                        // The resize geometry comes from the stated full size: a square one stretches the photo onto the crop.
                        _whole.Write(image, tensor, (_whole.Options.CropSize, _whole.Options.CropSize));
                        break;
                    case "pad":
                        using (var padded = Pad(image))
                        {
                            _whole.Write(padded, tensor);
                        }

                        break;
                    default:
                        using (var corner = Corner(image, variant))
                        {
                            _whole.Write(corner, tensor);
                        }

                        break;
                }
            }
        }
        finally
        {
            image?.Dispose();
        }
    }

    private static RgbImage Pad(RgbImage image)
    {
        var side = Math.Max(image.Width, image.Height);
        var padded = new RgbImage(side, side);
        var fill = BorderMean(image);
        var pixels = padded.Pixels;
        for (var i = 0; i < pixels.Length; i += 3)
        {
            pixels[i] = fill.R;
            pixels[i + 1] = fill.G;
            pixels[i + 2] = fill.B;
        }

        int left = (side - image.Width) / 2, top = (side - image.Height) / 2;
        for (var y = 0; y < image.Height; y++)
        {
            image.Row(y).CopyTo(padded.Row(top + y)[(left * 3)..]);
        }

        return padded;
    }

    private static RgbImage Corner(RgbImage image, string corner)
    {
        var side = Math.Max(1, (int)(0.8 * Math.Min(image.Width, image.Height)));
        var left = corner[1] == 'l' ? 0 : image.Width - side;
        var top = corner[0] == 't' ? 0 : image.Height - side;
        var crop = new RgbImage(side, side);
        for (var y = 0; y < side; y++)
        {
            image.Row(top + y).Slice(left * 3, side * 3).CopyTo(crop.Row(y));
        }

        return crop;
    }

    private static (byte R, byte G, byte B) BorderMean(RgbImage image)
    {
        long r = 0, g = 0, b = 0, n = 0;
        void Add(int x, int y)
        {
            var p = image.Row(y).Slice(x * 3, 3);
            r += p[0];
            g += p[1];
            b += p[2];
            n++;
        }

        for (var x = 0; x < image.Width; x++)
        {
            Add(x, 0);
            Add(x, image.Height - 1);
        }

        for (var y = 0; y < image.Height; y++)
        {
            Add(0, y);
            Add(image.Width - 1, y);
        }

        return ((byte)(r / n), (byte)(g / n), (byte)(b / n));
    }
}
