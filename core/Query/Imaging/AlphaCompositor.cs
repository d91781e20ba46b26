namespace ImageSearch.Core.Query.Imaging;

/// <summary>Flattens straight (non-premultiplied) RGBA onto a white background, in sRGB space as Pillow does.</summary>
internal static class AlphaCompositor
{
    public static void CompositeOnWhite(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        var pixels = rgba.Length / 4;
        if (rgb.Length < pixels * 3)
        {
            throw new ArgumentException("Destination is too small.", nameof(rgb));
        }

        for (int i = 0, o = 0; i + 3 < rgba.Length; i += 4, o += 3)
        {
            int a = rgba[i + 3];
            if (a == 255)
            {
                rgb[o] = rgba[i];
                rgb[o + 1] = rgba[i + 1];
                rgb[o + 2] = rgba[i + 2];
            }
            else
            {
                var white = 255 * (255 - a);
                rgb[o] = (byte)(((rgba[i] * a) + white + 127) / 255);
                rgb[o + 1] = (byte)(((rgba[i + 1] * a) + white + 127) / 255);
                rgb[o + 2] = (byte)(((rgba[i + 2] * a) + white + 127) / 255);
            }
        }
    }
}
