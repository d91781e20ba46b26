using System.Buffers.Binary;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Tests.Imaging;

public sealed class ExifOrientationReaderTests
{
    private static readonly byte[] PlainJpeg = ImagingTestData.EncodeJpeg(ImagingTestData.TwoColour(8, 8, (255, 0, 0), (0, 0, 255)), 8, 8);

    [Test]
    public void Orientation_is_read_from_the_jpeg_app1_segment_in_both_byte_orders(
        [Range(1, 8)] int orientation, [Values] bool bigEndian)
    {
        var jpeg = ImagingTestData.WithJpegExif(PlainJpeg, ImagingTestData.ExifTiff(orientation, bigEndian));
        Assert.That(ExifOrientationReader.Read(jpeg), Is.EqualTo(orientation));
    }

    [Test]
    public void Exif_after_other_app_segments_is_found()
    {
        // JFIF APP0 (from TurboJPEG) then an XMP-like APP1, then the Exif APP1.
        byte[] xmp = [0xFF, 0xE1, 0x00, 0x08, (byte)'h', (byte)'t', (byte)'t', (byte)'p', 0, 0];
        var withExif = ImagingTestData.WithJpegExif(PlainJpeg, ImagingTestData.ExifTiff(8, false));
        byte[] jpeg = [.. withExif.AsSpan(0, 2), .. xmp.AsSpan(0, 10), .. withExif.AsSpan(2)];
        Assert.That(ExifOrientationReader.Read(jpeg), Is.EqualTo(8));
    }

    [Test]
    public void Jpeg_without_exif_is_upright() => Assert.That(ExifOrientationReader.Read(PlainJpeg), Is.EqualTo(1));

    [Test]
    public void Orientation_is_read_from_a_png_exif_chunk()
    {
        var png = ImagingTestData.WithPngChunk(ImagingTestData.Fixture("gray.png"), "eXIf", ImagingTestData.ExifTiff(5, true));
        Assert.That(ExifOrientationReader.Read(png), Is.EqualTo(5));
    }

    [Test]
    public void Orientation_is_read_from_a_webp_exif_chunk() =>
        Assert.That(ExifOrientationReader.Read(ImagingTestData.Fixture("exif6.webp")), Is.EqualTo(6));

    [TestCase(0)]
    [TestCase(9)]
    [TestCase(0xFFFF)]
    public void Out_of_range_orientation_values_read_as_upright(int value) =>
        Assert.That(ExifOrientationReader.FromTiff(ImagingTestData.ExifTiff(value, false)), Is.EqualTo(1));

    [Test]
    public void Malformed_tiff_structures_read_as_upright()
    {
        var tiff = ImagingTestData.ExifTiff(6, false);
        var pastEnd = (byte[])tiff.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(pastEnd.AsSpan(4), 0xFFFFFFF0); // IFD offset past the end
        var hugeCount = (byte[])tiff.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(hugeCount.AsSpan(8), 0xFFFF); // more entries than bytes
        BinaryPrimitives.WriteUInt16LittleEndian(hugeCount.AsSpan(10), 0x0100); // and the first one is not orientation
        var badMagic = (byte[])tiff.Clone();
        badMagic[2] = 43;
        Assert.Multiple(() =>
        {
            Assert.That(ExifOrientationReader.FromTiff(pastEnd), Is.EqualTo(1));
            Assert.That(ExifOrientationReader.FromTiff(hugeCount), Is.EqualTo(1));
            Assert.That(ExifOrientationReader.FromTiff(badMagic), Is.EqualTo(1));
            Assert.That(ExifOrientationReader.FromTiff(tiff.AsSpan(0, 20)), Is.EqualTo(1), "entry cut short");
            Assert.That(ExifOrientationReader.FromTiff([]), Is.EqualTo(1));
        });
    }

    [Test]
    public void Truncated_containers_read_as_upright_at_every_length()
    {
        var jpeg = ImagingTestData.WithJpegExif(PlainJpeg, ImagingTestData.ExifTiff(6, true));
        var webp = ImagingTestData.Fixture("exif6.webp");
        var png = ImagingTestData.WithPngChunk(ImagingTestData.Fixture("gray.png"), "eXIf", ImagingTestData.ExifTiff(6, true));
        foreach (var data in new[] { jpeg, webp, png })
        {
            for (var length = 0; length <= data.Length; length++)
            {
                Assert.That(ExifOrientationReader.Read(data.AsSpan(0, length)), Is.InRange(1, 8));
            }
        }
    }

    [Test]
    public void Hostile_exif_bytes_never_throw_and_always_give_a_valid_orientation()
    {
        var random = new Random(20240611);
        var jpeg = ImagingTestData.WithJpegExif(PlainJpeg, ImagingTestData.ExifTiff(6, true));
        var webp = ImagingTestData.Fixture("exif6.webp");
        for (var i = 0; i < 20_000; i++)
        {
            var source = (i % 3) switch { 0 => jpeg, 1 => webp, _ => RandomTiff(random) };
            var data = (byte[])source.Clone();
            var flips = random.Next(1, 6);
            for (var f = 0; f < flips; f++)
            {
                // Aim at the metadata: the first 80 bytes hold the markers, chunk sizes and the TIFF structure.
                var at = random.Next(Math.Min(data.Length, 80));
                data[at] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)(data[at] ^ (1 << random.Next(8)));
            }

            Assert.That(ExifOrientationReader.Read(data), Is.InRange(1, 8));
            Assert.That(ExifOrientationReader.FromTiff(data), Is.InRange(1, 8));
        }
    }

    private static byte[] RandomTiff(Random random)
    {
        var tiff = new byte[random.Next(8, 64)];
        random.NextBytes(tiff);
        (tiff[0], tiff[1]) = random.Next(2) == 0 ? ((byte)'I', (byte)'I') : ((byte)'M', (byte)'M');
        return tiff;
    }
}
