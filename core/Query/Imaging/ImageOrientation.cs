namespace ImageSearch.Core.Query.Imaging;

/// <summary>Turns stored pixels upright according to an EXIF orientation (1 to 8).</summary>
public static class ImageOrientation
{
    /// <summary>
    /// Returns the upright image. Orientation 1 (or a value outside 1-8) returns <paramref name="image"/> unchanged;
    /// flips (2, 3, 4) are done in place and return <paramref name="image"/>; transposing orientations (5-8) return a
    /// new image and dispose <paramref name="image"/>. Either way, use only the returned image afterwards.
    /// </summary>
    public static RgbImage Apply(RgbImage image, int orientation)
    {
        ArgumentNullException.ThrowIfNull(image);
        switch (orientation)
        {
            case 2:
                FlipHorizontal(image);
                return image;
            case 3:
                FlipVertical(image);
                FlipHorizontal(image);
                return image;
            case 4:
                FlipVertical(image);
                return image;
            case 5 or 6 or 7 or 8:
                return Transposed(image, orientation);
            default:
                return image;
        }
    }

    /// <summary>The upright size of a stored <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public static (int Width, int Height) UprightSize(int width, int height, int orientation) =>
        orientation is >= 5 and <= 8 ? (height, width) : (width, height);

    private static void FlipHorizontal(RgbImage image)
    {
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Row(y);
            for (int left = 0, right = row.Length - 3; left < right; left += 3, right -= 3)
            {
                (row[left], row[right]) = (row[right], row[left]);
                (row[left + 1], row[right + 1]) = (row[right + 1], row[left + 1]);
                (row[left + 2], row[right + 2]) = (row[right + 2], row[left + 2]);
            }
        }
    }

    private static void FlipVertical(RgbImage image)
    {
        var temp = System.Buffers.ArrayPool<byte>.Shared.Rent(image.Stride);
        try
        {
            var row = temp.AsSpan(0, image.Stride);
            for (int top = 0, bottom = image.Height - 1; top < bottom; top++, bottom--)
            {
                image.Row(top).CopyTo(row);
                image.Row(bottom).CopyTo(image.Row(top));
                row.CopyTo(image.Row(bottom));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(temp);
        }
    }

    /// <summary>Orientations that swap width and height: output (x, y) reads input (sx, sy).</summary>
    private static RgbImage Transposed(RgbImage source, int orientation)
    {
        int width = source.Width, height = source.Height;
        var result = new RgbImage(height, width);
        try
        {
            ReadOnlySpan<byte> src = source.Pixels;
            var dst = result.Pixels;
            var stride = source.Stride;
            for (var y = 0; y < width; y++)
            {
                var row = dst.Slice(y * result.Stride, result.Stride);
                for (var x = 0; x < height; x++)
                {
                    var (sx, sy) = orientation switch
                    {
                        5 => (y, x),                                // transpose
                        6 => (y, height - 1 - x),                   // rotate 90 clockwise
                        7 => (width - 1 - y, height - 1 - x),       // transverse
                        _ => (width - 1 - y, x),                    // 8: rotate 90 counter-clockwise
                    };
                    var s = (sy * stride) + (sx * 3);
                    row[x * 3] = src[s];
                    row[(x * 3) + 1] = src[s + 1];
                    row[(x * 3) + 2] = src[s + 2];
                }
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }

        source.Dispose();
        return result;
    }
}
