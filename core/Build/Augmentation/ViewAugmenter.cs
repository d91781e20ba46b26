using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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
        var view = Plan(source, seed);
        return Draw(source, background, view, 0, 0, view.Width, view.Height);
    }

    /// <summary>
    /// Renders only the centre <paramref name="size"/> × <paramref name="size"/> square of the view
    /// <see cref="Render"/> makes (placed as a centre crop of the whole view is, halves rounded to even): pixel for pixel
    /// that crop of it, for about a third less work. This is what a model whose preprocessing resizes the shorter side
    /// to <see cref="ViewAugmentationOptions.OutputShortSide"/> and centre-crops <paramref name="size"/> sees of the view.
    /// </summary>
    public RgbImage RenderCentre(RgbImage source, int seed, RgbImage? background, int size)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, _options.OutputShortSide);
        var view = Plan(source, seed);
        var left = (int)Math.Round((view.Width - size) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((view.Height - size) / 2.0, MidpointRounding.ToEven);
        return Draw(source, background, view, left, top, size, size);
    }

    /// <summary>Everything random about one view, drawn from its seed, and the geometry that follows from it.</summary>
    private ViewPlan Plan(RgbImage source, int seed)
    {
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

        // A canvas point (X, Y) of the rendering (pixel centres at +0.5) lies at (u, v) = ((X / w − left) / scale,
        // (Y / h − top) / scale) in the padded box, mirrored on a flip, and shows the photo's point
        // centre + R(angle) · ((u, v) − ½) · crop size: one affine map, kept as its coefficients.
        var (sin, cos) = Math.SinCos(angle);
        double su = 1 / (renderWidth * padScale), sv = 1 / (renderHeight * padScale);
        double f = flip ? -1 : 1, u0 = (flip ? 1 + (padLeft / padScale) : -padLeft / padScale) - 0.5, v0 = (-padTop / padScale) - 0.5;
        var map = new AffineMap(
            cos * cropWidth * f * su, -sin * cropHeight * sv, centreX + (cos * cropWidth * u0) - (sin * cropHeight * v0),
            sin * cropWidth * f * su, cos * cropHeight * sv, centreY + (sin * cropWidth * u0) + (cos * cropHeight * v0));
        var box = (Left: padLeft * renderWidth, Top: padTop * renderHeight, Right: (padLeft + padScale) * renderWidth, Bottom: (padTop + padScale) * renderHeight);
        return new ViewPlan(width, height, renderWidth, renderHeight, map, box, grey, brightness, contrast, saturation);
    }

    /// <summary>Renders the window (left, top, width × height) of the planned view, jittered.</summary>
    private static RgbImage Draw(RgbImage source, RgbImage? background, ViewPlan view, int left, int top, int width, int height)
    {
        var window = new RgbImage(width, height);
        try
        {
            var canvas = new Canvas(source, background, view);
            if (view.RenderWidth == view.Width && view.RenderHeight == view.Height)
            {
                canvas.Paint(window, left, top, 1, Tone.Of(view, MeanLuma(view, canvas.Paint)));
            }
            else
            {
                // Soft focus: the whole view rendered small, then scaled back up bilinearly.
                using var small = new RgbImage(view.RenderWidth, view.RenderHeight);
                canvas.Paint(small, 0, 0, 1, Tone.Identity);
                var enlarged = new Enlargement(small, view);
                enlarged.Paint(window, left, top, 1, Tone.Of(view, MeanLuma(view, enlarged.Paint)));
            }

            return window;
        }
        catch
        {
            window.Dispose();
            throw;
        }
    }

    private static double Uniform(Random random, double low, double high) => low + (random.NextDouble() * (high - low));

    /// <summary>
    /// The view's mean luma (before jitter), from every fourth pixel of every fourth row: the same whichever window of
    /// the view is rendered, so a centre render is exactly the centre of a whole one.
    /// </summary>
    private static double MeanLuma(ViewPlan view, GridPainter paint)
    {
        const int Step = 4;
        int columns = (view.Width + Step - 2) / Step, rows = (view.Height + Step - 2) / Step;
        if (columns <= 0 || rows <= 0)
        {
            return 0;
        }

        using var grid = new RgbImage(columns, rows);
        paint(grid, 1, 1, Step, Tone.Identity);
        var pixels = grid.Pixels;
        double sum = 0;
        for (var i = 0; i < pixels.Length; i += 3)
        {
            sum += Luma(pixels[i], pixels[i + 1], pixels[i + 2]);
        }

        return sum / (columns * rows);
    }

    private static double Luma(double r, double g, double b) => (0.299 * r) + (0.587 * g) + (0.114 * b);

    /// <summary>
    /// Bilinear sample of a packed RGB image at pixel-centre coordinates (x, y), edges repeated, toned and stored as
    /// bytes at <paramref name="pixel"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Sample(byte* image, int width, int height, float x, float y, in Tone tone, byte* pixel)
    {
        x = x < 0 ? 0 : x > width - 1 ? width - 1 : x;
        y = y < 0 ? 0 : y > height - 1 ? height - 1 : y;
        int x0 = (int)x, y0 = (int)y;
        float fx = x - x0, fy = y - y0;
        var right = x0 + 1 < width ? 3 : 0;
        var top = image + (((y0 * width) + x0) * 3);
        var bottom = y0 + 1 < height ? top + (width * 3) : top;
        float upper = top[0] + (fx * (top[right] - top[0])), lower = bottom[0] + (fx * (bottom[right] - bottom[0]));
        var r = upper + (fy * (lower - upper));
        upper = top[1] + (fx * (top[right + 1] - top[1]));
        lower = bottom[1] + (fx * (bottom[right + 1] - bottom[1]));
        var g = upper + (fy * (lower - upper));
        upper = top[2] + (fx * (top[right + 2] - top[2]));
        lower = bottom[2] + (fx * (bottom[right + 2] - bottom[2]));
        var b = upper + (fy * (lower - upper));
        tone.Store(r, g, b, pixel);
    }

    /// <summary>
    /// Brightness (scale), contrast (around the view's mean luma) and saturation (around each pixel's luma), rounded and
    /// clamped. All three are linear, so a pixel p becomes <c>m·(1 − c) + c·b·luma(p) + s·c·b·(p − luma(p))</c>, with
    /// <c>m</c> the mean luma after the brightness change.
    /// </summary>
    private readonly struct Tone(float offset, float lumaGain, float gain)
    {
        /// <summary>Stores pixels as they are, rounded.</summary>
        public static Tone Identity => new(0, 0, 1);

        public static Tone Of(ViewPlan view, double meanLuma)
        {
            var mean = view.Brightness * meanLuma;
            var gain = view.Saturation * view.Contrast * view.Brightness;
            return new Tone((float)(mean * (1 - view.Contrast)), (float)((view.Contrast * view.Brightness) - gain), (float)gain);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public unsafe void Store(float r, float g, float b, byte* pixel)
        {
            var grey = offset + (lumaGain * ((0.299f * r) + (0.587f * g) + (0.114f * b))) + 0.5f;
            pixel[0] = ToByte(grey + (gain * r));
            pixel[1] = ToByte(grey + (gain * g));
            pixel[2] = ToByte(grey + (gain * b));
        }

        /// <summary>Clamps to 0–255 and truncates (the half for rounding is already added).</summary>
        private static byte ToByte(float value) => (byte)(int)(value < 0 ? 0 : value > 255 ? 255 : value);
    }

    /// <summary>Paints view pixels (left + step·x, top + step·y) into <c>target</c>'s pixels (x, y).</summary>
    private delegate void GridPainter(RgbImage target, int left, int top, int step, Tone tone);

    /// <summary>Canvas point (X, Y) → photo point: X' = a·X + b·Y + c, Y' = d·X + e·Y + f.</summary>
    private readonly record struct AffineMap(double A, double B, double C, double D, double E, double F);

    private sealed record ViewPlan(
        int Width, int Height, int RenderWidth, int RenderHeight, AffineMap Map, (double Left, double Top, double Right, double Bottom) Box,
        byte Grey, double Brightness, double Contrast, double Saturation);

    /// <summary>The rendering before any soft focus: the item in its box, the background or grey around it.</summary>
    private sealed unsafe class Canvas(RgbImage source, RgbImage? background, ViewPlan view)
    {
        /// <summary>Fills <paramref name="target"/> with the canvas's pixels (left + step·x, top + step·y), toned.</summary>
        public void Paint(RgbImage target, int left, int top, int step, Tone tone)
        {
            var (a, b, c, d, e, f) = view.Map;
            var (boxLeft, boxTop, boxRight, boxBottom) = view.Box;
            int width = source.Width, height = source.Height;
            int backgroundWidth = background?.Width ?? 0, backgroundHeight = background?.Height ?? 0;
            double stretchX = backgroundWidth / (double)view.RenderWidth, stretchY = backgroundHeight / (double)view.RenderHeight;
            var grey = view.Grey + 0f;
            fixed (byte* photo = source.Pixels, canvas = background is null ? default : background.Pixels, pixels = target.Pixels)
            {
                var pixel = pixels;
                for (var y = 0; y < target.Height; y++)
                {
                    var cy = top + (y * step) + 0.5;
                    double rowX = (b * cy) + c - 0.5, rowY = (e * cy) + f - 0.5;
                    var inRow = cy >= boxTop && cy <= boxBottom;
                    var backgroundY = (float)((cy * stretchY) - 0.5);
                    for (var x = 0; x < target.Width; x++, pixel += 3)
                    {
                        var cx = left + (x * step) + 0.5;
                        if (inRow && cx >= boxLeft && cx <= boxRight)
                        {
                            Sample(photo, width, height, (float)((a * cx) + rowX), (float)((d * cx) + rowY), tone, pixel);
                        }
                        else if (canvas is null)
                        {
                            tone.Store(grey, grey, grey, pixel);
                        }
                        else
                        {
                            Sample(canvas, backgroundWidth, backgroundHeight, (float)((cx * stretchX) - 0.5), backgroundY, tone, pixel);
                        }
                    }
                }
            }
        }
    }

    /// <summary>A small rendering scaled up to the view's size.</summary>
    private sealed unsafe class Enlargement(RgbImage small, ViewPlan view)
    {
        /// <summary>Fills <paramref name="target"/> with the enlargement's pixels (left + step·x, top + step·y), toned.</summary>
        public void Paint(RgbImage target, int left, int top, int step, Tone tone)
        {
            fixed (byte* pixels = small.Pixels, into = target.Pixels)
            {
                var pixel = into;
                for (var y = 0; y < target.Height; y++)
                {
                    var sy = SourceY(top + (y * step));
                    for (var x = 0; x < target.Width; x++, pixel += 3)
                    {
                        Sample(pixels, small.Width, small.Height, SourceX(left + (x * step)), sy, tone, pixel);
                    }
                }
            }
        }

        private float SourceX(int x) => (float)(((x + 0.5) * view.RenderWidth / view.Width) - 0.5);

        private float SourceY(int y) => (float)(((y + 0.5) * view.RenderHeight / view.Height) - 0.5);
    }
}
