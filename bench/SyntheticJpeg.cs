using System.Runtime.InteropServices;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Bench;

/// <summary>Makes a large, photo-like JPEG (a real photo upscaled bilinearly, with sensor-like noise) with TurboJPEG's encoder.</summary>
internal static partial class SyntheticJpeg
{
    public static byte[] Create(byte[] photo, int width, int height, int quality = 90)
    {
        using var source = new ImageDecoder().Decode(photo);
        var pixels = new byte[width * height * 3];
        var random = new Random(1);
        var sourcePixels = source.Pixels;
        // Bilinear upscaling keeps the photo's smooth gradients; mild noise stands in for a camera sensor's.
        for (var y = 0; y < height; y++)
        {
            var fy = Math.Max(0, (y + 0.5) * source.Height / height - 0.5);
            var y0 = Math.Min((int)fy, source.Height - 1);
            var y1 = Math.Min(y0 + 1, source.Height - 1);
            var dy = fy - y0;
            for (var x = 0; x < width; x++)
            {
                var fx = Math.Max(0, (x + 0.5) * source.Width / width - 0.5);
                var x0 = Math.Min((int)fx, source.Width - 1);
                var x1 = Math.Min(x0 + 1, source.Width - 1);
                var dx = fx - x0;
                for (var c = 0; c < 3; c++)
                {
                    var top = sourcePixels[(y0 * source.Width + x0) * 3 + c] * (1 - dx) + sourcePixels[(y0 * source.Width + x1) * 3 + c] * dx;
                    var bottom = sourcePixels[(y1 * source.Width + x0) * 3 + c] * (1 - dx) + sourcePixels[(y1 * source.Width + x1) * 3 + c] * dx;
                    var value = top * (1 - dy) + bottom * dy + random.Next(-2, 3);
                    pixels[(y * width + x) * 3 + c] = (byte)Math.Clamp((int)Math.Round(value), 0, 255);
                }
            }
        }

        var handle = tjInitCompress();
        try
        {
            nint jpeg = 0;
            nuint size = 0;
            if (tjCompress2(handle, pixels, width, 0, height, 0 /* TJPF_RGB */, ref jpeg, ref size, 2 /* TJSAMP_420 */, quality, 0) != 0)
            {
                throw new InvalidOperationException("tjCompress2 failed");
            }

            var result = new byte[size];
            Marshal.Copy(jpeg, result, 0, (int)size);
            tjFree(jpeg);
            return result;
        }
        finally
        {
            _ = tjDestroy(handle);
        }
    }

    [LibraryImport("libturbojpeg.so.0")]
    private static partial nint tjInitCompress();

    [LibraryImport("libturbojpeg.so.0")]
    private static partial int tjCompress2(nint handle, byte[] source, int width, int pitch, int height, int pixelFormat,
        ref nint jpegBuffer, ref nuint jpegSize, int subsampling, int quality, int flags);

    [LibraryImport("libturbojpeg.so.0")]
    private static partial void tjFree(nint buffer);

    [LibraryImport("libturbojpeg.so.0")]
    private static partial int tjDestroy(nint handle);
}
