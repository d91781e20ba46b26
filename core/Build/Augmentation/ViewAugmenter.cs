using System.Buffers.Binary;
using System.Security.Cryptography;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Core.Build.Augmentation;

/// <summary>
/// Makes deterministic random views of a photo (<see cref="ViewAugmentationOptions"/>): the same photo, view number and
/// settings always give the same pixels. A metric head trained on such views of the catalog learns to ignore what
/// separates a shopper's photo from a studio shot (framing, lighting, blur, background) without any shopper photos.
/// </summary>
public sealed class ViewAugmenter
{
    private readonly ViewAugmentationOptions _options;

    public ViewAugmenter(ViewAugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public ViewAugmentationOptions Options => _options;

    /// <summary>The seed of view <paramref name="view"/> of the photo whose encoded bytes are <paramref name="encoded"/>.</summary>
    public int SeedOf(ReadOnlySpan<byte> encoded, int view)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(encoded, hash);
        return BinaryPrimitives.ReadInt32LittleEndian(hash) ^ (view * 0x2F0B3A49) ^ (_options.Seed * 0x01000193);
    }

    /// <summary>
    /// Renders one view of <paramref name="source"/> (upright pixels) as a new image, whose shorter side is
    /// <see cref="ViewAugmentationOptions.OutputShortSide"/>; the caller disposes it.
    /// </summary>
    /// <param name="background">What a padded view puts around the item (stretched over the canvas); null: a grey canvas.</param>
    public RgbImage Render(RgbImage source, int seed, RgbImage? background = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var o = _options;
        var random = new Random(seed);

        // Random resized crop: area share and aspect change, then a position.
        var area = source.Width * (double)source.Height * Uniform(random, o.MinArea, o.MaxArea);
        var logAspect = Math.Log(o.MaxAspectChange);
        var aspect = (source.Width / (double)source.Height) * Math.Exp(Uniform(random, -logAspect, logAspect));
        var cropWidth = Math.Min(source.Width, Math.Sqrt(area * aspect));
        var cropHeight = Math.Min(source.Height, Math.Sqrt(area / aspect));
        var centreX = Uniform(random, cropWidth / 2, source.Width - (cropWidth / 2));
        var centreY = Uniform(random, cropHeight / 2, source.Height - (cropHeight / 2));

        var flip = random.NextDouble() < o.FlipProbability;
        var angle = Uniform(random, -o.MaxRotationDegrees, o.MaxRotationDegrees) * Math.PI / 180;
        var brightness = Uniform(random, 1 - o.Brightness, 1 + o.Brightness);
        var contrast = Uniform(random, 1 - o.Contrast, 1 + o.Contrast);
        var saturation = Uniform(random, 1 - o.Saturation, 1 + o.Saturation);
        var blur = random.NextDouble() < o.BlurProbability ? random.Next(2, 4) : 1;
        var pad = random.NextDouble() < o.PadProbability;
        var padScale = pad ? Uniform(random, o.MinPadScale, 1) : 1;
        var padLeft = Uniform(random, 0, 1 - padScale);
        var padTop = Uniform(random, 0, 1 - padScale);
        var grey = (byte)random.Next(96, 224);

        var (width, height) = cropWidth <= cropHeight
            ? (o.OutputShortSide, Math.Max(o.OutputShortSide, (int)Math.Round(o.OutputShortSide * cropHeight / cropWidth)))
            : (Math.Max(o.OutputShortSide, (int)Math.Round(o.OutputShortSide * cropWidth / cropHeight)), o.OutputShortSide);
        int renderWidth = Math.Max(1, width / blur), renderHeight = Math.Max(1, height / blur);

        var view = new RgbImage(renderWidth, renderHeight);
        try
        {
            var (sin, cos) = Math.SinCos(angle);
            for (var y = 0; y < renderHeight; y++)
            {
                var row = view.Row(y);
                var v = (y + 0.5) / renderHeight;
                for (var x = 0; x < renderWidth; x++)
                {
                    var u = (x + 0.5) / renderWidth;
                    var pixel = row.Slice(x * 3, 3);
                    var (pu, pv) = ((u - padLeft) / padScale, (v - padTop) / padScale);
                    if (pu is < 0 or > 1 || pv is < 0 or > 1)
                    {
                        if (background is null)
                        {
                            pixel.Fill(grey);
                        }
                        else
                        {
                            Sample(background, (u * background.Width) - 0.5, (v * background.Height) - 0.5, pixel);
                        }

                        continue;
                    }

                    var dx = ((flip ? 1 - pu : pu) - 0.5) * cropWidth;
                    var dy = (pv - 0.5) * cropHeight;
                    Sample(source, centreX + (cos * dx) - (sin * dy) - 0.5, centreY + (sin * dx) + (cos * dy) - 0.5, pixel);
                }
            }

            Jitter(view, brightness, contrast, saturation);
            if (blur == 1)
            {
                return view;
            }

            var large = new RgbImage(width, height);
            for (var y = 0; y < height; y++)
            {
                var row = large.Row(y);
                var sy = ((y + 0.5) * renderHeight / height) - 0.5;
                for (var x = 0; x < width; x++)
                {
                    Sample(view, ((x + 0.5) * renderWidth / width) - 0.5, sy, row.Slice(x * 3, 3));
                }
            }

            view.Dispose();
            return large;
        }
        catch
        {
            view.Dispose();
            throw;
        }
    }

    private static double Uniform(Random random, double low, double high) => low + (random.NextDouble() * (high - low));

    /// <summary>Bilinear sample at pixel-centre coordinates (x, y), edges repeated.</summary>
    private static void Sample(RgbImage image, double x, double y, Span<byte> pixel)
    {
        x = Math.Clamp(x, 0, image.Width - 1);
        y = Math.Clamp(y, 0, image.Height - 1);
        int x0 = (int)x, y0 = (int)y;
        int x1 = Math.Min(x0 + 1, image.Width - 1), y1 = Math.Min(y0 + 1, image.Height - 1);
        double fx = x - x0, fy = y - y0;
        ReadOnlySpan<byte> top = image.Row(y0), bottom = image.Row(y1);
        for (var c = 0; c < 3; c++)
        {
            var upper = top[(x0 * 3) + c] + (fx * (top[(x1 * 3) + c] - top[(x0 * 3) + c]));
            var lower = bottom[(x0 * 3) + c] + (fx * (bottom[(x1 * 3) + c] - bottom[(x0 * 3) + c]));
            pixel[c] = (byte)Math.Clamp((int)Math.Round(upper + (fy * (lower - upper))), 0, 255);
        }
    }

    /// <summary>Brightness (scale), contrast (around the mean luma) and saturation (around each pixel's luma), clamped.</summary>
    private static void Jitter(RgbImage image, double brightness, double contrast, double saturation)
    {
        var pixels = image.Pixels;
        double sum = 0;
        for (var i = 0; i < pixels.Length; i += 3)
        {
            sum += Luma(pixels[i], pixels[i + 1], pixels[i + 2]);
        }

        var mean = brightness * sum / (pixels.Length / 3);
        Span<double> value = stackalloc double[3];
        for (var i = 0; i < pixels.Length; i += 3)
        {
            for (var c = 0; c < 3; c++)
            {
                value[c] = mean + (contrast * ((brightness * pixels[i + c]) - mean));
            }

            var luma = Luma(value[0], value[1], value[2]);
            for (var c = 0; c < 3; c++)
            {
                pixels[i + c] = (byte)Math.Clamp((int)Math.Round(luma + (saturation * (value[c] - luma))), 0, 255);
            }
        }
    }

    private static double Luma(double r, double g, double b) => (0.299 * r) + (0.587 * g) + (0.114 * b);
}
