using System.Globalization;

namespace ImageSearch.Core.Build.Augmentation;

/// <summary>
/// How <see cref="ViewAugmenter"/> makes a random view of a catalog photo, to look more like a shopper's photo of the
/// same item: a random resized crop, a mirror image, a small rotation, brightness/contrast/saturation jitter, sometimes
/// a blur (rendered small and scaled up) and sometimes the item shrunk onto a plain or given background. The defaults
/// are those chosen on the tuning half of the clothing photos (docs/quality.md, augmented views: preset <c>clutter</c>).
/// </summary>
public sealed record ViewAugmentationOptions
{
    /// <summary>Smallest share of the photo's area a crop keeps.</summary>
    public double MinArea { get; init; } = 0.4;

    /// <summary>Largest share of the photo's area a crop keeps.</summary>
    public double MaxArea { get; init; } = 1.0;

    /// <summary>A crop's aspect ratio is drawn log-uniformly from [1/this, this] (the photo's own aspect times it).</summary>
    public double MaxAspectChange { get; init; } = 4.0 / 3.0;

    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Rotation drawn uniformly from ±this many degrees.</summary>
    public double MaxRotationDegrees { get; init; } = 10;

    /// <summary>Brightness factor drawn from [1 − this, 1 + this].</summary>
    public double Brightness { get; init; } = 0.3;

    /// <summary>Contrast factor (around the view's mean luma) drawn from [1 − this, 1 + this].</summary>
    public double Contrast { get; init; } = 0.3;

    /// <summary>Saturation factor drawn from [1 − this, 1 + this].</summary>
    public double Saturation { get; init; } = 0.4;

    /// <summary>Chance that a view is rendered at 1/2 or 1/3 of its size and scaled back up (soft focus, low resolution).</summary>
    public double BlurProbability { get; init; } = 0.25;

    /// <summary>
    /// Chance that the item is shrunk onto a background: the background given to the render (the build gives other
    /// catalog photos, a stand-in for a shop shelf or a cluttered floor), else a grey canvas.
    /// </summary>
    public double PadProbability { get; init; } = 0.5;

    /// <summary>Smallest side of the item on a padded view, as a share of the canvas side.</summary>
    public double MinPadScale { get; init; } = 0.4;

    /// <summary>Shorter side of the rendered view; the preprocessing resizes it to the model's input anyway.</summary>
    public int OutputShortSide { get; init; } = 256;

    /// <summary>Mixed into every view's seed: another seed gives other views of the same photos.</summary>
    public int Seed { get; init; } = 8;

    /// <summary>How views are drawn from the settings: a change to the drawing changes the views the same settings make.</summary>
    public const int Rendering = 2;

    /// <summary>The settings in words: views made with the same description are the same views.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"area {MinArea}-{MaxArea}, aspect x{MaxAspectChange:0.###}, flip {FlipProbability}, rotation {MaxRotationDegrees} deg, brightness {Brightness}, contrast {Contrast}, saturation {Saturation}, blur {BlurProbability}, pad {PadProbability} (scale >= {MinPadScale}), short side {OutputShortSide}, seed {Seed}, rendering {Rendering}");

    /// <summary>Throws <see cref="ArgumentException"/> for settings that cannot make a view.</summary>
    public void Validate()
    {
        static bool Share(double x) => x is >= 0 and <= 1;
        if (!(MinArea > 0 && MinArea <= MaxArea && MaxArea <= 1))
        {
            throw new ArgumentException($"The crop's area share must satisfy 0 < min <= max <= 1 (got {MinArea}-{MaxArea}).");
        }

        if (!(MaxAspectChange >= 1) || !(MaxRotationDegrees is >= 0 and <= 45) || !(MinPadScale is > 0 and <= 1) || OutputShortSide < 16)
        {
            throw new ArgumentException("Aspect change must be >= 1, rotation 0-45 degrees, pad scale in (0, 1], output short side >= 16.");
        }

        if (!Share(FlipProbability) || !Share(BlurProbability) || !Share(PadProbability) || !Share(Brightness) || !Share(Contrast) || !Share(Saturation))
        {
            throw new ArgumentException("Probabilities and jitter strengths must lie in [0, 1].");
        }
    }
}
