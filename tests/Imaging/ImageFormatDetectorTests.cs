using System.Text;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Tests.Imaging;

public sealed class ImageFormatDetectorTests
{
    [TestCase("gray.jpg", ImageFormat.Jpeg)]
    [TestCase("rgb16.png", ImageFormat.Png)]
    [TestCase("lossless.webp", ImageFormat.Webp)]
    [TestCase("animated.webp", ImageFormat.Webp)]
    [TestCase("tiny.gif", ImageFormat.Gif)]
    [TestCase("tiny.bmp", ImageFormat.Bmp)]
    public void Fixture_formats_are_recognised_from_their_magic_bytes(string fixture, ImageFormat expected) =>
        Assert.That(ImageFormatDetector.Detect(ImagingTestData.Fixture(fixture)), Is.EqualTo(expected));

    [TestCase("00 00 00 1C 66 74 79 70 61 76 69 66 00 00 00 00 6D 69 66 31 6D 69 61 66", ImageFormat.Avif)]
    [TestCase("00 00 00 1C 66 74 79 70 61 76 69 73 00 00 00 00 6D 69 66 31 6D 69 61 66", ImageFormat.Avif)]
    [TestCase("00 00 00 18 66 74 79 70 6D 69 66 31 00 00 00 00 6D 69 66 31 61 76 69 66", ImageFormat.Avif)]
    [TestCase("00 00 00 18 66 74 79 70 68 65 69 63 00 00 00 00 6D 69 66 31 68 65 69 63", ImageFormat.Heic)]
    [TestCase("00 00 00 18 66 74 79 70 68 65 69 78 00 00 00 00 6D 69 66 31 68 65 69 78", ImageFormat.Heic)]
    [TestCase("00 00 00 14 66 74 79 70 6D 69 66 31 00 00 00 00 6D 69 66 31", ImageFormat.Heic)]
    [TestCase("00 00 00 14 66 74 79 70 6D 73 66 31 00 00 00 00 6D 73 66 31", ImageFormat.Heic)]
    [TestCase("00 00 00 14 66 74 79 70 69 73 6F 6D 00 00 00 00 69 73 6F 6D", ImageFormat.Unknown)] // MP4 video
    [TestCase("49 49 2A 00 08 00 00 00 00 00 00 00", ImageFormat.Tiff)]
    [TestCase("4D 4D 00 2A 00 00 00 08 00 00 00 00", ImageFormat.Tiff)]
    [TestCase("00 00 01 00 01 00 10 10 00 00 01 00", ImageFormat.Ico)]
    [TestCase("FF D8 FF E0 00 10 4A 46 49 46 00 01", ImageFormat.Jpeg)]
    [TestCase("89 50 4E 47 0D 0A 1A 0A 00 00 00 0D", ImageFormat.Png)]
    [TestCase("52 49 46 46 00 00 00 00 57 45 42 50", ImageFormat.Webp)]
    [TestCase("52 49 46 46 00 00 00 00 57 41 56 45", ImageFormat.Unknown)] // RIFF WAVE audio
    [TestCase("47 49 46 38 39 61 01 00 01 00 00 00", ImageFormat.Gif)]
    [TestCase("FF D8", ImageFormat.Unknown)]
    [TestCase("", ImageFormat.Unknown)]
    public void Leading_bytes_decide_the_format(string hex, ImageFormat expected) =>
        Assert.That(ImageFormatDetector.Detect(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))), Is.EqualTo(expected));

    [TestCase("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")]
    [TestCase("<?xml version=\"1.0\"?><svg/>")]
    [TestCase("\n\t  <svg width=\"10\"/>")]
    [TestCase("\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>")]
    public void Svg_text_is_recognised_after_an_optional_bom_and_whitespace(string text) =>
        Assert.That(ImageFormatDetector.Detect(Encoding.UTF8.GetBytes(text)), Is.EqualTo(ImageFormat.Svg));

    [TestCase("hello, world! this is text")]
    [TestCase("<html><body></body></html>")]
    public void Other_text_is_unknown(string text) =>
        Assert.That(ImageFormatDetector.Detect(Encoding.UTF8.GetBytes(text)), Is.EqualTo(ImageFormat.Unknown));

    [Test]
    public void The_declared_type_is_never_consulted_only_the_bytes()
    {
        // A PNG named .jpg is a PNG: detection sees only bytes, so the same bytes give the same answer.
        var png = ImagingTestData.Fixture("gray.png");
        Assert.That(ImageFormatDetector.Detect(png), Is.EqualTo(ImageFormat.Png));
    }
}
