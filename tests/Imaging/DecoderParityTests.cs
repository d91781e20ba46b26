using System.Security.Cryptography;
using ImageSearch.Core.Query.Imaging;
using static ImageSearch.Tests.Imaging.ImagingTestData;

namespace ImageSearch.Tests.Imaging;

/// <summary>
/// SkiaSharp gives the pixels the project's earlier libjpeg-turbo, libpng and libwebp decoders gave, byte for byte,
/// so indexes built before keep matching; and the system libjpeg-turbo accelerator gives SkiaSharp's pixels, at full
/// size and at every reduced JPEG scale, so a machine with it and one without build the same index.
/// </summary>
public sealed class DecoderParityTests
{
    private static readonly SkiaImageDecoder Skia = new();
    private static readonly TurboJpegDecoder Turbo = new();

    public static IEnumerable<TestCaseData> EarlierDecodes() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Imaging", "Fixtures", "decoded-pixels.tsv"))
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => new TestCaseData(f[0], f[1], f[2]).SetArgDisplayNames(f[0]));

    [TestCaseSource(nameof(EarlierDecodes))]
    public void Skia_decodes_every_recorded_image_to_the_earlier_decoders_pixels(string path, string size, string sha256)
    {
        var file = path.StartsWith("fixtures/", StringComparison.Ordinal)
            ? Path.Combine(AppContext.BaseDirectory, "Imaging", "Fixtures", path["fixtures/".Length..])
            : Path.Combine(TestData.SharedFolder, path);
        var bytes = File.ReadAllBytes(file);

        using var image = Skia.Decode(bytes);

        Assert.That($"{image.Width}x{image.Height}", Is.EqualTo(size));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(image.Pixels)), Is.EqualTo(sha256));
    }

    [TestCase("cat_progressive.jpg")]
    [TestCase("hot_dog.jpg")]
    [TestCase("owl.jpg")]
    [TestCase("parrot.jpg")]
    public void The_accelerator_and_skia_agree_on_photos_at_every_scale(string photo) => AssertSamePixels(Photo(photo), photo);

    [TestCase("gray.jpg")]
    [TestCase("cmyk_adobe.jpg")]
    [TestCase("exif3.jpg")]
    [TestCase("exif6.jpg")]
    public void The_accelerator_and_skia_agree_on_greyscale_cmyk_and_rotated_files(string fixture) => AssertSamePixels(Fixture(fixture), fixture);

    [TestCase(444, false)]
    [TestCase(420, false)]
    [TestCase(420, true)]
    public void The_accelerator_and_skia_agree_on_a_12_megapixel_photo(int subsampling, bool progressive)
    {
        var (width, height) = (4000, 3000);
        var jpeg = EncodeJpeg(
            Noise(width, height, seed: subsampling),
            width,
            height,
            quality: 90,
            subsampling: subsampling == 444 ? ImageSearch.Core.Query.Imaging.Native.TurboJpegNative.TJSAMP_444 : ImageSearch.Core.Query.Imaging.Native.TurboJpegNative.TJSAMP_420,
            progressive: progressive);

        AssertSamePixels(jpeg, $"{width}x{height} {subsampling} {(progressive ? "progressive" : "baseline")}");
    }

    private static void AssertSamePixels(byte[] jpeg, string name)
    {
        foreach (var minShortSide in new int?[] { null, 1500, 700, 320, 1 })
        {
            var options = new DecodeOptions { MinShortSide = minShortSide };
            using var skia = Skia.Decode(jpeg, options);
            using var turbo = Turbo.Decode(jpeg, options);
            Assert.That((skia.Width, skia.Height), Is.EqualTo((turbo.Width, turbo.Height)), $"{name}, min short side {minShortSide}");
            Assert.That(skia.Pixels.SequenceEqual(turbo.Pixels), Is.True, $"{name}, min short side {minShortSide}: pixels differ");
        }
    }

    /// <summary>A smooth gradient with noise, photo-like enough to exercise every DCT coefficient.</summary>
    private static byte[] Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                rgb[i] = (byte)Math.Clamp((x * 255 / width) + random.Next(-20, 21), 0, 255);
                rgb[i + 1] = (byte)Math.Clamp((y * 255 / height) + random.Next(-20, 21), 0, 255);
                rgb[i + 2] = (byte)Math.Clamp(128 + random.Next(-60, 61), 0, 255);
            }
        }

        return rgb;
    }
}
