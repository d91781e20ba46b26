using ImageSearch.Core.Build.Augmentation;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.Tests.Imaging;

public sealed class ViewAugmenterTests
{
    /// <summary>Nothing random left: the whole photo, upright, unflipped, with its own colours.</summary>
    private static readonly ViewAugmentationOptions Identity = new()
    {
        MinArea = 1, MaxArea = 1, MaxAspectChange = 1, FlipProbability = 0, MaxRotationDegrees = 0,
        Brightness = 0, Contrast = 0, Saturation = 0, BlurProbability = 0, PadProbability = 0,
    };

    /// <summary>A 300×200 photo with a distinct colour at every pixel.</summary>
    private static RgbImage Gradient(int width = 300, int height = 200)
    {
        var image = new RgbImage(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = image.Row(y).Slice(x * 3, 3);
                (p[0], p[1], p[2]) = ((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x + y) % 256));
            }
        }

        return image;
    }

    private static RgbImage Flat(int width, int height, byte r, byte g, byte b)
    {
        var image = new RgbImage(width, height);
        for (var i = 0; i < image.Pixels.Length; i += 3)
        {
            (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]) = (r, g, b);
        }

        return image;
    }

    [Test]
    public void The_same_photo_view_and_settings_give_the_same_pixels()
    {
        using var photo = Gradient();
        var augmenter = new ViewAugmenter(new ViewAugmentationOptions());
        using var first = augmenter.Render(photo, seed: 42);
        using var again = new ViewAugmenter(new ViewAugmentationOptions()).Render(photo, seed: 42);

        Assert.That((again.Width, again.Height), Is.EqualTo((first.Width, first.Height)));
        Assert.That(again.Pixels.SequenceEqual(first.Pixels), Is.True);
    }

    [Test]
    public void Different_views_of_a_photo_have_different_pixels_and_every_one_keeps_the_short_side()
    {
        using var photo = Gradient();
        var augmenter = new ViewAugmenter(new ViewAugmentationOptions());
        var views = Enumerable.Range(0, 8).Select(k => augmenter.Render(photo, augmenter.SeedOf([1, 2, 3], k))).ToList();
        try
        {
            Assert.That(views.Select(v => Math.Min(v.Width, v.Height)), Is.All.EqualTo(256));
            for (var k = 1; k < views.Count; k++)
            {
                var same = views[k].Width == views[0].Width && views[k].Height == views[0].Height && views[k].Pixels.SequenceEqual(views[0].Pixels);
                Assert.That(same, Is.False, $"view {k} equals view 0");
            }
        }
        finally
        {
            views.ForEach(v => v.Dispose());
        }
    }

    [Test]
    public void A_view_with_nothing_random_left_is_the_photo_itself()
    {
        using var photo = Gradient();
        using var view = new ViewAugmenter(Identity with { OutputShortSide = 200 }).Render(photo, seed: 7);

        Assert.That((view.Width, view.Height), Is.EqualTo((300, 200)));
        Assert.That(view.Pixels.SequenceEqual(photo.Pixels), Is.True);
    }

    [Test]
    public void Default_views_change_the_pixels_of_the_photo()
    {
        using var photo = Gradient();
        var augmenter = new ViewAugmenter(new ViewAugmentationOptions { OutputShortSide = 200 });
        var changed = 0;
        for (var k = 0; k < 8; k++)
        {
            using var view = augmenter.Render(photo, augmenter.SeedOf([9], k));
            if (view.Width != photo.Width || view.Height != photo.Height || !view.Pixels.SequenceEqual(photo.Pixels))
            {
                changed++;
            }
        }

        Assert.That(changed, Is.EqualTo(8));
    }

    [Test]
    public void A_flip_is_the_mirror_image()
    {
        using var photo = Gradient();
        using var view = new ViewAugmenter(Identity with { OutputShortSide = 200, FlipProbability = 1 }).Render(photo, seed: 7);

        Assert.That(ImagingTestData.Pixel(view, 0, 50), Is.EqualTo(ImagingTestData.Pixel(photo, 299, 50)));
        Assert.That(ImagingTestData.Pixel(view, 299, 120), Is.EqualTo(ImagingTestData.Pixel(photo, 0, 120)));
    }

    [Test]
    public void A_padded_view_shows_the_item_on_the_background_it_is_given()
    {
        using var blue = Flat(200, 200, 0, 0, 255);
        using var red = Flat(50, 50, 255, 0, 0);
        using var view = new ViewAugmenter(Identity with { PadProbability = 1, MinPadScale = 0.5, OutputShortSide = 200 }).Render(blue, seed: 3, background: red);
        var pixels = Enumerable.Range(0, view.Width * view.Height).Select(i => (view.Pixels[i * 3], view.Pixels[(i * 3) + 2])).ToList();

        Assert.That(pixels, Has.Some.EqualTo(((byte)0, (byte)255)), "the item");
        Assert.That(pixels, Has.Some.EqualTo(((byte)255, (byte)0)), "the background");
    }

    [Test]
    public void A_centre_render_is_exactly_the_centre_crop_of_the_whole_view()
    {
        using var photo = Gradient(340, 260);
        using var background = Gradient(90, 120);
        var augmenter = new ViewAugmenter(new ViewAugmentationOptions { PadProbability = 0.5, BlurProbability = 0.5 });
        for (var k = 0; k < 24; k++)
        {
            var seed = augmenter.SeedOf([5, 6], k);
            using var whole = augmenter.Render(photo, seed, background);
            using var centre = augmenter.RenderCentre(photo, seed, background, 224);
            int left = (int)Math.Round((whole.Width - 224) / 2.0, MidpointRounding.ToEven), top = (int)Math.Round((whole.Height - 224) / 2.0, MidpointRounding.ToEven);

            Assert.That((centre.Width, centre.Height), Is.EqualTo((224, 224)));
            for (var y = 0; y < 224; y++)
            {
                Assert.That(centre.Row(y).SequenceEqual(whole.Row(top + y).Slice(left * 3, 224 * 3)), Is.True, $"view {k}, row {y}");
            }
        }
    }

    [TestCase(1, 1)]
    [TestCase(2, 3)]
    [TestCase(640, 1)]
    public void Tiny_and_thin_photos_give_whole_views_of_their_colours(int width, int height)
    {
        using var photo = Flat(width, height, 10, 200, 30);
        var augmenter = new ViewAugmenter(new ViewAugmentationOptions { Brightness = 0, Contrast = 0, Saturation = 0, PadProbability = 0 });
        for (var k = 0; k < 8; k++)
        {
            using var view = augmenter.Render(photo, k);
            using var centre = augmenter.RenderCentre(photo, k, null, 224);

            Assert.That(Math.Min(view.Width, view.Height), Is.EqualTo(256));
            Assert.That(ImagingTestData.Pixel(centre, 223, 223), Is.EqualTo((10, 200, 30)));
        }
    }

    [Test]
    public void A_centre_render_cannot_be_larger_than_the_views_shorter_side()
    {
        using var photo = Gradient();
        var augmenter = new ViewAugmenter(new ViewAugmentationOptions());

        Assert.Throws<ArgumentOutOfRangeException>(() => augmenter.RenderCentre(photo, 1, null, 257).Dispose());
        Assert.Throws<ArgumentOutOfRangeException>(() => augmenter.RenderCentre(photo, 1, null, 0).Dispose());
    }

    [Test]
    public void Brightness_contrast_and_saturation_change_a_view_as_their_factors_say()
    {
        using var photo = Flat(200, 200, 150, 120, 100);
        var darker = new ViewAugmenter(Identity with { OutputShortSide = 200, Brightness = 0.5 });
        var brightness = Enumerable.Range(0, 16).Select(seed =>
        {
            using var view = darker.Render(photo, seed);
            return ImagingTestData.Pixel(view, 100, 100);
        }).ToList();

        // Brightness scales every channel alike (a flat photo has no contrast to change).
        Assert.That(brightness.Select(p => p.R / (double)p.G), Is.All.EqualTo(1.25).Within(0.02));
        Assert.That(brightness.Distinct().Count(), Is.GreaterThan(8));

        // Saturation moves a colour towards or away from its grey and keeps its luma.
        var saturate = new ViewAugmenter(Identity with { OutputShortSide = 200, Saturation = 1 });
        var saturated = Enumerable.Range(0, 16).Select(seed =>
        {
            using var view = saturate.Render(photo, seed);
            return ImagingTestData.Pixel(view, 100, 100);
        }).ToList();
        Assert.That(saturated.Distinct().Count(), Is.GreaterThan(8));
        Assert.That(saturated.Select(Luma), Is.All.EqualTo(Luma(ImagingTestData.Pixel(photo, 100, 100))).Within(1.5));
    }

    private static double Luma((int R, int G, int B) p) => (0.299 * p.R) + (0.587 * p.G) + (0.114 * p.B);

    [Test]
    public void Seeds_depend_on_the_photo_the_view_number_and_the_settings()
    {
        var augmenter = new ViewAugmenter(new ViewAugmentationOptions());
        byte[] photo = [1, 2, 3];

        Assert.That(augmenter.SeedOf(photo, 0), Is.EqualTo(new ViewAugmenter(new ViewAugmentationOptions()).SeedOf(photo, 0)));
        Assert.That(augmenter.SeedOf(photo, 1), Is.Not.EqualTo(augmenter.SeedOf(photo, 0)));
        Assert.That(augmenter.SeedOf([1, 2, 4], 0), Is.Not.EqualTo(augmenter.SeedOf(photo, 0)));
        Assert.That(new ViewAugmenter(new ViewAugmentationOptions { Seed = 9 }).SeedOf(photo, 0), Is.Not.EqualTo(augmenter.SeedOf(photo, 0)));
    }

    [Test]
    public void Settings_that_cannot_make_a_view_are_refused()
    {
        Assert.Throws<ArgumentException>(() => _ = new ViewAugmenter(new ViewAugmentationOptions { MinArea = 0 }));
        Assert.Throws<ArgumentException>(() => _ = new ViewAugmenter(new ViewAugmentationOptions { MinArea = 0.8, MaxArea = 0.5 }));
        Assert.Throws<ArgumentException>(() => _ = new ViewAugmenter(new ViewAugmentationOptions { FlipProbability = 2 }));
        Assert.Throws<ArgumentException>(() => _ = new ViewAugmenter(new ViewAugmentationOptions { MaxAspectChange = 0.5 }));
    }
}
