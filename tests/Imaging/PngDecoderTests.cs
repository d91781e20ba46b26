using ImageSearch.Core.Query.Imaging;
using static ImageSearch.Tests.Imaging.ImagingTestData;

namespace ImageSearch.Tests.Imaging;

public sealed class PngDecoderTests
{
    private readonly SkiaImageDecoder _decoder = new();

    [TestCase("bird.png", 512, 343)]
    [TestCase("cat.png", 512, 341)]
    [TestCase("dragonfly.png", 512, 418)]
    [TestCase("grace_hopper.png", 512, 600)]
    [TestCase("missvickie_potato_chips.png", 500, 500)]
    public void Real_photos_decode_at_their_header_size(string name, int width, int height)
    {
        var data = Photo(name);
        Assert.That(_decoder.Identify(data), Is.EqualTo(new ImageInfo(ImageFormat.Png, width, height)));
        using var image = _decoder.Decode(data);
        Assert.That((image.Width, image.Height), Is.EqualTo((width, height)));
    }

    [Test]
    public void Sixteen_bit_png_keeps_its_srgb_values()
    {
        using var image = _decoder.Decode(Fixture("rgb16.png"));
        Assert.That((image.Width, image.Height), Is.EqualTo((4, 1)));
        Assert.That(image.Pixels.ToArray(), Is.EqualTo(new byte[] { 255, 255, 255, 128, 128, 128, 0, 0, 0, 64, 128, 192 }));
    }

    [Test]
    public void Palette_png_is_expanded()
    {
        using var image = _decoder.Decode(Fixture("palette.png"));
        Assert.That(image.Pixels.ToArray(), Is.EqualTo(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 }));
    }

    [Test]
    public void Greyscale_png_is_expanded_to_rgb()
    {
        using var image = _decoder.Decode(Fixture("gray.png"));
        Assert.That(image.Pixels.ToArray(), Is.EqualTo(new byte[] { 0, 0, 0, 64, 64, 64, 128, 128, 128, 255, 255, 255 }));
    }

    [Test]
    public void Transparent_pixels_become_white_and_partial_alpha_is_blended_with_white()
    {
        using var image = _decoder.Decode(Fixture("alpha.png"));

        // transparent black -> white; opaque red stays red; blue at alpha 128 -> halfway to white.
        Assert.That(image.Pixels.ToArray(), Is.EqualTo(new byte[] { 255, 255, 255, 255, 0, 0, 127, 127, 255 }));
    }

    [Test]
    public void Png_exif_orientation_is_applied()
    {
        var png = WithPngChunk(Fixture("gray.png"), "eXIf", ExifTiff(8, false));
        Assert.That(_decoder.Identify(png), Is.EqualTo(new ImageInfo(ImageFormat.Png, 4, 1, 8)));
        using var image = _decoder.Decode(png);
        Assert.That((image.Width, image.Height), Is.EqualTo((1, 4)));

        // Rotated 90 degrees counter-clockwise: the stored right end (255) is now on top.
        Assert.That(image.Pixels.ToArray(), Is.EqualTo(new byte[] { 255, 255, 255, 128, 128, 128, 64, 64, 64, 0, 0, 0 }));
    }

    [Test]
    public void Truncated_png_is_reported_as_corrupt()
    {
        var data = Photo("bird.png");
        foreach (var length in new[] { 8, 20, 40, 100, 5000, data.Length / 2, data.Length - 100 })
        {
            var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data.AsSpan(0, length)).Dispose(), $"length {length}");
            Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.Corrupt), $"length {length}: {ex.Message}");
        }
    }

    [Test]
    public void Bad_crc_in_a_critical_chunk_is_corrupt()
    {
        var data = Fixture("gray.png");
        data[29] ^= 0xFF; // IHDR CRC
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data));
        Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.Corrupt));
        Assert.That(ex.Message, Does.StartWith("PNG"));
    }

    [Test]
    public void Huge_header_is_too_large_before_any_pixel_buffer()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(PngHeaderOnly(60000, 60000)));
        Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.TooLarge));
    }
}
