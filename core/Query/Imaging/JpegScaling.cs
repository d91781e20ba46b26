namespace ImageSearch.Core.Query.Imaging;

/// <summary>
/// JPEG's reduced decode: libjpeg(-turbo) can run its inverse DCT at 1/2, 1/4 or 1/8 of the stored size almost for
/// free. Only these three: its 3/8, 5/8, 3/4 and 7/8 scales decode slower than full size. Both JPEG decoders pick the
/// same scale, so they give the same pixels.
/// </summary>
internal static class JpegScaling
{
    /// <summary>The denominators of the scales used, largest image first.</summary>
    public static ReadOnlySpan<int> Denominators => [2, 4, 8];

    /// <summary>
    /// The smallest reduced size whose shorter side is still at least <paramref name="minShortSide"/>; the stored size
    /// when none is set or none qualifies. Sizes round up, as libjpeg's do.
    /// </summary>
    public static (int Width, int Height) ScaledSize(int width, int height, int? minShortSide)
    {
        var denominator = Denominator(width, height, minShortSide);
        return (Scale(width, denominator), Scale(height, denominator));
    }

    /// <summary>The scale's denominator <see cref="ScaledSize"/> chooses: 1 (full size), 2, 4 or 8.</summary>
    public static int Denominator(int width, int height, int? minShortSide)
    {
        var best = 1;
        if (minShortSide is { } min)
        {
            foreach (var denominator in Denominators)
            {
                if (Math.Min(Scale(width, denominator), Scale(height, denominator)) >= min)
                {
                    best = denominator;
                }
            }
        }

        return best;
    }

    private static int Scale(int size, int denominator) => (size + denominator - 1) / denominator;
}
