using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ImageSearch.Core.Build.Augmentation;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// Named <see cref="ViewAugmentationOptions"/> the augment plan compares, and the names <c>aug-PRESET-K</c> under which
/// <see cref="PhotoVariants"/> renders augmented view K of a photo with a preset.
/// </summary>
internal static class AugmentationPresets
{
    private static readonly ViewAugmentationOptions None = new()
    {
        FlipProbability = 0.5, MaxRotationDegrees = 0, Brightness = 0, Contrast = 0, Saturation = 0, BlurProbability = 0, PadProbability = 0,
    };

    public static readonly IReadOnlyDictionary<string, ViewAugmentationOptions> Presets = new Dictionary<string, ViewAugmentationOptions>(StringComparer.Ordinal)
    {
        // Random resized crop (area 0.4–1, aspect ×4/3) and mirror image only.
        ["crop"] = None,
        // … plus a rotation of up to ±10°.
        ["geo"] = None with { MaxRotationDegrees = 10 },
        // … plus brightness/contrast ±0.3 and saturation ±0.4.
        ["color"] = None with { MaxRotationDegrees = 10, Brightness = 0.3, Contrast = 0.3, Saturation = 0.4 },
        // … plus a blur a quarter of the time and the item shrunk onto a grey canvas a quarter of the time.
        ["full"] = new ViewAugmentationOptions { BlurProbability = 0.25, PadProbability = 0.25, MinPadScale = 0.5 },
        // As full, but half the augmented views put the item (40–100% of the side) on another catalog photo (the build's default).
        ["clutter"] = new ViewAugmentationOptions { BlurProbability = 0.25, PadProbability = 0.5, MinPadScale = 0.4 },
        // Everything stronger: area 0.2–1, ±15°, colour ±0.4/0.4/0.6, blur and pad 0.4.
        ["strong"] = new ViewAugmentationOptions
        {
            MinPadScale = 0.5, MinArea = 0.2, MaxRotationDegrees = 15, Brightness = 0.4, Contrast = 0.4, Saturation = 0.6, BlurProbability = 0.4, PadProbability = 0.4,
        },
    };

    /// <summary>The variant names of a photo's first <paramref name="count"/> augmented views with <paramref name="preset"/>.</summary>
    public static string[] Names(string preset, int count) =>
        [.. Enumerable.Range(0, count).Select(k => string.Create(CultureInfo.InvariantCulture, $"aug-{preset}-{k}"))];

    /// <summary>Whether <paramref name="variant"/> names an augmented view, and which.</summary>
    public static bool TryParse(string variant, [NotNullWhen(true)] out string? preset, out int number)
    {
        preset = null;
        number = 0;
        var parts = variant.Split('-');
        if (parts.Length != 3 || parts[0] != "aug" || !Presets.ContainsKey(parts[1]) || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        preset = parts[1];
        return true;
    }
}
