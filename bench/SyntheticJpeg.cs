using System.Runtime.InteropServices;
using ImageSearch.Core.Imaging;

namespace ImageSearch.Bench;

/// <summary>Makes a large, photo-like JPEG (a real photo upscaled, with sensor-like noise) with TurboJPEG's encoder.</summary>
internal static partial class SyntheticJpeg
{
    public static byte[] Create(byte[] photo, int width, int height, int quality = 90)
    {
        using var source = new ImageDecoder().Decode(photo);
        var pixels = new byte[width * height * 3];
        var random = new Random(1);
        var sourcePixels = source.Pixels;
        for (var y = 0; y < height; y++)
        {
            var sy = (int)((long)y * source.Height / height);
            for (var x = 0; x < width; x++)
            {
                var sx = (int)((long)x * source.Width / width);
                for (var c = 0; c < 3; c++)
                {
                    var value = sourcePixels[(sy * source.Width + sx) * 3 + c] + random.Next(-6, 7);
                    pixels[(y * width + x) * 3 + c] = (byte)Math.Clamp(value, 0, 255);
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
