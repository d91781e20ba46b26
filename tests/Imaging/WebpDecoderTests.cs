using ImageSearch.Core.Query.Imaging;
using static ImageSearch.Tests.Imaging.ImagingTestData;

namespace ImageSearch.Tests.Imaging;

public sealed class WebpDecoderTests
{
    private readonly SkiaImageDecoder _decoder = new();

    [Test]
    public void Lossy_photo_decodes_and_matches_its_jpeg_twin()
    {
        var data = Photo("parrot.webp");
        Assert.That(_decoder.Identify(data), Is.EqualTo(new ImageInfo(ImageFormat.Webp, 512, 929)));
        using var webp = _decoder.Decode(data);
        using var jpeg = new SkiaImageDecoder().Decode(Photo("parrot.jpg"));
        Assert.That((webp.Width, webp.Height), Is.EqualTo((jpeg.Width, jpeg.Height)));
        Assert.That(JpegDecoderTests.MeanAbsoluteDifference(webp.Pixels, jpeg.Pixels), Is.LessThan(8.0));
    }

    [Test]
    public void Lossless_webp_decodes_exactly()
    {
        using var image = _decoder.Decode(Fixture("lossless.webp"));
        Assert.That((image.Width, image.Height), Is.EqualTo((8, 2)));
        Assert.That(image.Row(0).ToArray(), Is.EqualTo(Enumerable.Repeat(new byte[] { 255, 0, 0 }, 8).SelectMany(p => p).ToArray()));
        Assert.That(image.Row(1).ToArray(), Is.EqualTo(Enumerable.Repeat(new byte[] { 10, 20, 30 }, 8).SelectMany(p => p).ToArray()));
    }

    [Test]
    public void Webp_alpha_is_composited_on_white()
    {
        using var image = _decoder.Decode(Fixture("alpha.webp"));

        // transparent -> white; opaque green; green at alpha 128 -> (127, 255, 127); opaque (1, 2, 3).
        Assert.That(image.Pixels.ToArray(), Is.EqualTo(new byte[] { 255, 255, 255, 0, 255, 0, 127, 255, 127, 1, 2, 3 }));
    }

    [Test]
    public void Webp_exif_orientation_is_applied()
    {
        var data = Fixture("exif6.webp");
        Assert.That(_decoder.Identify(data), Is.EqualTo(new ImageInfo(ImageFormat.Webp, 32, 16, 6)));
        using var image = _decoder.Decode(data);
        Assert.That((image.Width, image.Height), Is.EqualTo((16, 32)));
        JpegDecoderTests.AssertQuadrants(image, 4, 8, 12, 24, (0, 0, 255), (255, 0, 0), (255, 255, 255), (0, 255, 0), tolerance: 24);
    }

    [Test]
    public void Truncated_webp_is_reported_as_corrupt()
    {
        var data = Photo("parrot.webp");
        foreach (var length in new[] { 12, 20, 30, 100, data.Length / 2, data.Length - 10 })
        {
            var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data.AsSpan(0, length)).Dispose(), $"length {length}");
            Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.Corrupt), $"length {length}: {ex.Message}");
        }
    }
}
