using System.Buffers.Binary;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Imaging.Native;

namespace ImageSearch.Tests.Imaging;

/// <summary>Real photos from the shared folder, the tiny committed fixtures, and byte-level builders for the imaging tests.</summary>
internal static class ImagingTestData
{
    public static readonly string[] Photos =
    [
        "bird.png", "cat.png", "cat_progressive.jpg", "dragonfly.png", "grace_hopper.png",
        "hot_dog.jpg", "missvickie_potato_chips.png", "owl.jpg", "parrot.jpg", "parrot.webp",
    ];

    /// <summary>The photo's bytes, from the shared folder (see <see cref="TestData"/>; a missing folder fails the test).</summary>
    public static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(TestData.ModelsFolder, "images", name));

    public static byte[] Fixture(string name) =>
        File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Imaging", "Fixtures", name));

    public static (int R, int G, int B) Pixel(RgbImage image, int x, int y)
    {
        var row = image.Row(y);
        return (row[x * 3], row[(x * 3) + 1], row[(x * 3) + 2]);
    }

    /// <summary>Largest per-channel difference between two colours.</summary>
    public static int Distance((int R, int G, int B) a, (int R, int G, int B) b) =>
        Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));

    /// <summary>Encodes packed RGB24 with TurboJPEG (4:4:4 unless told).</summary>
    public static unsafe byte[] EncodeJpeg(
        ReadOnlySpan<byte> rgb, int width, int height, int quality = 95, int subsampling = TurboJpegNative.TJSAMP_444, bool progressive = false)
    {
        var handle = TurboJpegNative.tjInitCompress();
        Assert.That(handle, Is.Not.Zero);
        byte* jpeg = null;
        nuint size = 0;
        try
        {
            fixed (byte* src = rgb)
            {
                var flags = TurboJpegNative.TJFLAG_ACCURATEDCT | (progressive ? TurboJpegNative.TJFLAG_PROGRESSIVE : 0);
                var result = TurboJpegNative.tjCompress2(handle, src, width, width * 3, height, TurboJpegNative.TJPF_RGB, &jpeg, &size, subsampling, quality, flags);
                Assert.That(result, Is.Zero, () => TurboJpegNative.ErrorText(handle));
            }

            return new ReadOnlySpan<byte>(jpeg, checked((int)size)).ToArray();
        }
        finally
        {
            TurboJpegNative.tjFree(jpeg);
            _ = TurboJpegNative.tjDestroy(handle);
        }
    }

    /// <summary>An RGB24 image of two vertical halves.</summary>
    public static byte[] TwoColour(int width, int height, (byte R, byte G, byte B) left, (byte R, byte G, byte B) right)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var c = x < width / 2 ? left : right;
                var i = ((y * width) + x) * 3;
                (rgb[i], rgb[i + 1], rgb[i + 2]) = (c.R, c.G, c.B);
            }
        }

        return rgb;
    }

    /// <summary>A TIFF structure with IFD0 holding only the Orientation tag (SHORT).</summary>
    public static byte[] ExifTiff(int orientation, bool bigEndian)
    {
        var tiff = new byte[26];
        var span = tiff.AsSpan();
        "MM"u8.CopyTo(span);
        if (!bigEndian)
        {
            "II"u8.CopyTo(span);
        }

        U16(span[2..], 42, bigEndian);
        U32(span[4..], 8, bigEndian);
        U16(span[8..], 1, bigEndian);
        U16(span[10..], 0x0112, bigEndian);
        U16(span[12..], 3, bigEndian);
        U32(span[14..], 1, bigEndian);
        U16(span[18..], (ushort)orientation, bigEndian);
        return tiff; // next-IFD offset (bytes 22-25) stays 0
    }

    /// <summary>The JPEG with an APP1 "Exif\0\0" segment inserted right after SOI.</summary>
    public static byte[] WithJpegExif(byte[] jpeg, byte[] tiff)
    {
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>The PNG with a chunk inserted after IHDR (signature 8 + IHDR 25 bytes).</summary>
    public static byte[] WithPngChunk(byte[] png, string type, ReadOnlySpan<byte> data) =>
        [.. png.AsSpan(0, 33), .. PngChunk(type, data), .. png.AsSpan(33)];

    public static byte[] PngChunk(string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>A PNG whose header claims <paramref name="width"/> x <paramref name="height"/> (8-bit RGB), with an empty IDAT.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        return [0x89, .. "PNG\r\n\x1a\n"u8, .. PngChunk("IHDR", ihdr), .. PngChunk("IDAT", []), .. PngChunk("IEND", [])];
    }

    /// <summary>The JPEG with its SOF0/SOF2 frame header patched to claim another size.</summary>
    public static byte[] WithJpegSize(byte[] jpeg, int width, int height)
    {
        var copy = (byte[])jpeg.Clone();
        for (var i = 2; i < copy.Length - 9; i++)
        {
            if (copy[i] == 0xFF && copy[i + 1] is 0xC0 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 7), (ushort)width);
                return copy;
            }
        }

        throw new InvalidOperationException("No SOF0/SOF2 marker.");
    }

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void U16(Span<byte> span, ushort value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
    }

    private static void U32(Span<byte> span, uint value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
    }
}
