using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.SampleCatalog;

/// <summary>
/// Names a garment's colour from the centre of its photo, the way the sample catalog's names were made: the photo
/// is resized to 120×120 (Pillow's bilinear filter), the middle third (40×40 pixels) gives the per-channel median
/// colour, and the name is that of the nearest palette colour (Euclidean distance in RGB).
/// </summary>
/// <remarks>
/// The generator of the published catalog did not publish its palette; this one was fitted to its 1,331 names
/// (data/README.md, "The sample catalog without a mirror") and reproduces all but a handful of them.
/// </remarks>
public static class GarmentColour
{
    public const int ThumbnailSize = 120;

    /// <summary>The palette, in the order ties are broken (the first nearest wins).</summary>
    public static IReadOnlyList<(string Name, byte R, byte G, byte B)> Palette { get; } =
    [
        ("Beige", 216, 193, 159),
        ("Black", 27, 20, 15),
        ("Blue", 42, 72, 178),
        ("Brown", 113, 72, 42),
        ("Green", 56, 138, 54),
        ("Grey", 130, 129, 122),
        ("Light Blue", 136, 180, 230),
        ("Navy", 34, 35, 89),
        ("Olive", 113, 111, 52),
        ("Orange", 231, 132, 46),
        ("Pink", 238, 140, 159),
        ("Purple", 119, 52, 145),
        ("Red", 186, 33, 46),
        ("White", 238, 232, 237),
        ("Yellow", 231, 195, 68),
    ];

    public static string Name(RgbImage photo)
    {
        var (r, g, b) = CentreMedian(photo);
        return Nearest(r, g, b);
    }

    /// <summary>The per-channel median of the middle third of the 120×120 thumbnail (halves when the count is even).</summary>
    public static (double R, double G, double B) CentreMedian(RgbImage photo)
    {
        var thumbnail = PillowBilinearResize.Resize(photo, ThumbnailSize, ThumbnailSize);
        const int side = ThumbnailSize / 3, first = (ThumbnailSize - side) / 2;
        var channels = new byte[3][];
        for (var c = 0; c < 3; c++)
        {
            channels[c] = new byte[side * side];
        }

        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var p = ((first + y) * ThumbnailSize + first + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    channels[c][y * side + x] = thumbnail[p + c];
                }
            }
        }

        return (Median(channels[0]), Median(channels[1]), Median(channels[2]));
    }

    public static string Nearest(double r, double g, double b)
    {
        var best = Palette[0].Name;
        var bestDistance = double.MaxValue;
        foreach (var (name, pr, pg, pb) in Palette)
        {
            var distance = (r - pr) * (r - pr) + (g - pg) * (g - pg) + (b - pb) * (b - pb);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (name, distance);
            }
        }

        return best;
    }

    private static double Median(byte[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
    }
}
