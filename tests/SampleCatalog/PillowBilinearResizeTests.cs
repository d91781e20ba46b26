using System.Security.Cryptography;
using ImageSearch.SampleCatalog;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Tests.SampleCatalog;

/// <summary>
/// The resize the sample catalog's colour names rest on is Pillow's, bit for bit. The expected hashes are of
/// <c>Image.open(photo).convert("RGB").resize(size, Image.BILINEAR).tobytes()</c> with Pillow 9.4 (Debian 12).
/// </summary>
public sealed class PillowBilinearResizeTests
{
    [TestCase("43ac2647-95bc-4174-b9c1-0518a5024ed2", 120, 120, "c58c306936af49a172dbc5e550eb1d336535a76ffb4ac9b4aed6406b1c91682d")]
    [TestCase("43ac2647-95bc-4174-b9c1-0518a5024ed2", 57, 31, "4456c8456fdada181a198bf9e2ffed91d1ffae6a6738736f82d22aac43688e85")]
    [TestCase("43ac2647-95bc-4174-b9c1-0518a5024ed2", 700, 900, "12dcaa015674ab10caf9a97992b640ddb1c6b176a944c930d643e4ef06024584")]
    [TestCase("00b8048d-635e-4e56-b182-071fb24eea32", 120, 120, "351d51e594512c1be6af33ad123e14ce3387b172a6bac1617179592a9564b9ad")]
    [TestCase("00b8048d-635e-4e56-b182-071fb24eea32", 57, 31, "9a5129c23e2ca98886629bfb8695eebca93177feb585798312cd767b96d2bb15")]
    public void Resize_equals_Pillows_bilinear_resize_byte_for_byte(string imageId, int width, int height, string pillowSha256)
    {
        using var photo = new ImageDecoder().Decode(UpstreamArchiveFixture.MirrorPhoto(imageId));

        var resized = PillowBilinearResize.Resize(photo, width, height);

        Assert.That(resized, Has.Length.EqualTo(width * height * 3));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(resized)), Is.EqualTo(pillowSha256));
    }

    [Test]
    public void The_centre_colour_is_the_median_of_the_thumbnails_middle_third()
    {
        // Pillow + numpy: np.median(thumbnail[40:80, 40:80].reshape(-1, 3), axis=0) == [84, 84, 82].
        using var photo = new ImageDecoder().Decode(UpstreamArchiveFixture.MirrorPhoto("43ac2647-95bc-4174-b9c1-0518a5024ed2"));

        Assert.That(GarmentColour.CentreMedian(photo), Is.EqualTo((84.0, 84.0, 82.0)));
    }

    [TestCase(10, 10, 10, "Black")]
    [TestCase(250, 250, 250, "White")]
    [TestCase(200, 30, 40, "Red")]
    [TestCase(40, 40, 95, "Navy")]
    [TestCase(128, 128, 128, "Grey")]
    public void Colours_are_named_after_the_nearest_palette_colour(double r, double g, double b, string name) =>
        Assert.That(GarmentColour.Nearest(r, g, b), Is.EqualTo(name));
}
