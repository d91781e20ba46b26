using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Tests.Imaging;

public sealed class ImageOrientationTests
{
    private static readonly int[] Stored = [1, 2, 3, 4, 5, 6];

    // Stored 3x2 image, pixels labelled 1..6:   1 2 3
    //                                           4 5 6
    [TestCase(1, 3, 2, new[] { 1, 2, 3, 4, 5, 6 })]
    [TestCase(2, 3, 2, new[] { 3, 2, 1, 6, 5, 4 })] // mirror horizontally
    [TestCase(3, 3, 2, new[] { 6, 5, 4, 3, 2, 1 })] // rotate 180
    [TestCase(4, 3, 2, new[] { 4, 5, 6, 1, 2, 3 })] // mirror vertically
    [TestCase(5, 2, 3, new[] { 1, 4, 2, 5, 3, 6 })] // transpose
    [TestCase(6, 2, 3, new[] { 4, 1, 5, 2, 6, 3 })] // rotate 90 clockwise
    [TestCase(7, 2, 3, new[] { 6, 3, 5, 2, 4, 1 })] // transverse
    [TestCase(8, 2, 3, new[] { 3, 6, 2, 5, 1, 4 })] // rotate 90 counter-clockwise
    public void Each_orientation_produces_the_upright_pixels(int orientation, int width, int height, int[] labels)
    {
        using var upright = ImageOrientation.Apply(Labelled(), orientation);
        Assert.That((upright.Width, upright.Height), Is.EqualTo((width, height)));
        Assert.That(Labels(upright), Is.EqualTo(labels));
        Assert.That(ImageOrientation.UprightSize(3, 2, orientation), Is.EqualTo((width, height)));
    }

    [TestCase(0)]
    [TestCase(9)]
    [TestCase(-1)]
    public void Unknown_orientations_leave_the_image_as_stored(int orientation)
    {
        using var image = Labelled();
        Assert.That(ImageOrientation.Apply(image, orientation), Is.SameAs(image));
        Assert.That(Labels(image), Is.EqualTo(Stored));
    }

    [Test]
    public void Transposing_orientations_dispose_the_input()
    {
        var image = Labelled();
        using var upright = ImageOrientation.Apply(image, 6);
        Assert.That(upright, Is.Not.SameAs(image));
        Assert.Throws<ObjectDisposedException>(() => _ = image.Pixels);
    }

    private static RgbImage Labelled()
    {
        var image = new RgbImage(3, 2);
        for (var i = 0; i < 6; i++)
        {
            image.Pixels[i * 3] = (byte)(i + 1);
            image.Pixels[(i * 3) + 1] = (byte)((i + 1) * 10);
            image.Pixels[(i * 3) + 2] = (byte)((i + 1) * 20);
        }

        return image;
    }

    private static int[] Labels(RgbImage image)
    {
        var labels = new int[image.Width * image.Height];
        for (var i = 0; i < labels.Length; i++)
        {
            var label = image.Pixels[i * 3];
            Assert.That(image.Pixels[(i * 3) + 1], Is.EqualTo(label * 10), "channels moved together");
            Assert.That(image.Pixels[(i * 3) + 2], Is.EqualTo(label * 20), "channels moved together");
            labels[i] = label;
        }

        return labels;
    }
}
