using ImageSearch.Core.Query.Imaging;
using ImageSearch.Tests.Embedding;

namespace ImageSearch.Tests.Imaging;

public sealed class ImageTensorizerTests
{
    private static readonly ImageTensorizer Tensorizer = new(PreprocessingOptions.ImageNet);

    [TestCase(512, 341, 384, 256)]
    [TestCase(341, 512, 256, 384)]
    [TestCase(4000, 3000, 341, 256)]
    [TestCase(512, 418, 314, 256)]
    [TestCase(100, 100, 256, 256)]
    public void Shorter_side_is_resized_to_256_and_the_longer_side_rounded_to_nearest(int width, int height, int expectedWidth, int expectedHeight)
    {
        Assert.That(Tensorizer.ResizedSize(width, height), Is.EqualTo((expectedWidth, expectedHeight)));
    }

    [Test]
    public void A_flat_image_gives_the_normalised_colour_everywhere()
    {
        using var image = Filled(640, 480, 200, 100, 50);
        var tensor = new float[Tensorizer.TensorLength];

        Tensorizer.Write(image, tensor);

        var plane = 224 * 224;
        Assert.That(tensor.AsSpan(0, plane).ToArray(), Has.All.EqualTo((200 / 255f - 0.485f) / 0.229f).Within(1e-4f));
        Assert.That(tensor.AsSpan(plane, plane).ToArray(), Has.All.EqualTo((100 / 255f - 0.456f) / 0.224f).Within(1e-4f));
        Assert.That(tensor.AsSpan(2 * plane, plane).ToArray(), Has.All.EqualTo((50 / 255f - 0.406f) / 0.225f).Within(1e-4f));
    }

    [Test]
    public void A_256_pixel_image_is_only_cropped_at_its_centre()
    {
        using var image = new RgbImage(256, 256);
        var pixels = image.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 31 % 251);
        }

        var planar = new float[Tensorizer.TensorLength];
        Tensorizer.WriteUnnormalized(image, planar);

        for (var y = 0; y < 224; y += 37)
        {
            for (var x = 0; x < 224; x += 41)
            {
                for (var c = 0; c < 3; c++)
                {
                    var source = image.Pixels[((y + 16) * 256 + x + 16) * 3 + c];
                    Assert.That(planar[c * 224 * 224 + y * 224 + x], Is.EqualTo((float)source).Within(1e-3f), $"({x},{y}) channel {c}");
                }
            }
        }
    }

    [TestCase(256, 256)]
    [TestCase(256, 341)]
    [TestCase(300, 256)]
    public void An_image_already_at_the_resize_size_gives_the_same_tensor_as_its_centre_crop_written_as_is(int width, int height)
    {
        using var image = new RgbImage(width, height);
        var random = new Random(width * height);
        random.NextBytes(image.Pixels);
        int left = (int)Math.Round((width - 224) / 2.0, MidpointRounding.ToEven), top = (int)Math.Round((height - 224) / 2.0, MidpointRounding.ToEven);
        using var crop = new RgbImage(224, 224);
        for (var y = 0; y < 224; y++)
        {
            image.Row(top + y).Slice(left * 3, 224 * 3).CopyTo(crop.Row(y));
        }

        var resized = new float[Tensorizer.TensorLength];
        var cropped = new float[Tensorizer.TensorLength];
        Tensorizer.Write(image, resized);
        Tensorizer.WriteCropped(crop, cropped);

        Assert.That(cropped, Is.EqualTo(resized));
    }

    [Test]
    public void Writing_a_crop_of_the_wrong_size_names_both_sizes()
    {
        using var crop = new RgbImage(256, 224);

        var error = Assert.Throws<ArgumentException>(() => Tensorizer.WriteCropped(crop, new float[Tensorizer.TensorLength]));
        Assert.That(error!.Message, Does.Contain("256x224").And.Contain("224x224"));
    }

    [Test]
    public void The_Inception_convention_maps_pixels_to_minus_one_to_one()
    {
        var tensorizer = new ImageTensorizer(PreprocessingOptions.Inception);
        using var image = Filled(300, 300, 255, 0, 128);
        var tensor = new float[tensorizer.TensorLength];

        tensorizer.Write(image, tensor);

        Assert.That(tensor[0], Is.EqualTo(1f).Within(1e-5f));
        Assert.That(tensor[224 * 224], Is.EqualTo(-1f).Within(1e-5f));
        Assert.That(tensor[2 * 224 * 224], Is.EqualTo(0.5f / 127.5f).Within(1e-5f));
    }

    [TestCaseSource(typeof(ModelZooFixture), nameof(ModelZooFixture.Photos))]
    public void Crop_is_within_3_of_255_of_the_Pillow_oracle_with_full_decoding(string photo)
    {
        using var image = new ImageDecoder().Decode(File.ReadAllBytes(photo));

        Assert.That(MeanAbsoluteDifference(image, photo), Is.LessThanOrEqualTo(3.0));
    }

    [TestCaseSource(typeof(ModelZooFixture), nameof(ModelZooFixture.Photos))]
    public void Crop_is_within_3_of_255_of_the_Pillow_oracle_as_the_preprocessor_decodes(string photo)
    {
        var preprocessor = new ImagePreprocessor(new ImageDecoder(), Tensorizer);
        var bytes = File.ReadAllBytes(photo);
        var info = new ImageDecoder().Identify(bytes);
        using var image = new ImageDecoder().Decode(bytes, preprocessor.DecodeOptions);

        Assert.That(MeanAbsoluteDifference(image, photo, (info.Width, info.Height)), Is.LessThanOrEqualTo(3.0));
    }

    internal static double MeanAbsoluteDifference(RgbImage image, string photo, (int Width, int Height)? fullSize = null)
    {
        var oracle = File.ReadAllBytes(ModelZooFixture.OracleCropOf(photo));
        Assert.That(oracle, Has.Length.EqualTo(224 * 224 * 3));
        var planar = new float[Tensorizer.TensorLength];
        Tensorizer.WriteUnnormalized(image, planar, fullSize);

        double total = 0;
        for (var i = 0; i < 224 * 224; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                total += Math.Abs(Math.Round(planar[c * 224 * 224 + i]) - oracle[i * 3 + c]);
            }
        }

        var mad = total / oracle.Length;
        TestContext.Out.WriteLine($"{Path.GetFileName(photo)}: {image.Width}x{image.Height}, mean absolute difference {mad:F3}/255");
        return mad;
    }

    private static RgbImage Filled(int width, int height, byte r, byte g, byte b)
    {
        var image = new RgbImage(width, height);
        var pixels = image.Pixels;
        for (var i = 0; i < pixels.Length; i += 3)
        {
            pixels[i] = r;
            pixels[i + 1] = g;
            pixels[i + 2] = b;
        }

        return image;
    }
}
