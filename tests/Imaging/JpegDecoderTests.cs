using ImageSearch.Core.Query.Imaging;
using static ImageSearch.Tests.Imaging.ImagingTestData;

namespace ImageSearch.Tests.Imaging;

/// <summary>Both JPEG decoders, SkiaSharp's and the system libjpeg-turbo accelerator, meet the same specification.</summary>
[TestFixture(JpegBackend.Skia)]
[TestFixture(JpegBackend.SystemLibjpegTurbo)]
public sealed class JpegDecoderTests
{
    private static readonly (int R, int G, int B) Red = (255, 0, 0);
    private static readonly (int R, int G, int B) Green = (0, 255, 0);
    private static readonly (int R, int G, int B) Blue = (0, 0, 255);
    private static readonly (int R, int G, int B) White = (255, 255, 255);

    private readonly IImageDecoder _decoder;

    public JpegDecoderTests(JpegBackend backend)
    {
        _decoder = backend == JpegBackend.Skia ? new SkiaImageDecoder() : new TurboJpegDecoder();
    }

    public enum JpegBackend
    {
        Skia,
        SystemLibjpegTurbo,
    }

    [TestCase("cat_progressive.jpg", 512, 341)]
    [TestCase("hot_dog.jpg", 512, 384)]
    [TestCase("owl.jpg", 512, 384)]
    [TestCase("parrot.jpg", 512, 929)]
    public void Real_photos_decode_at_their_header_size(string name, int width, int height)
    {
        var data = Photo(name);
        Assert.That(_decoder.Identify(data), Is.EqualTo(new ImageInfo(ImageFormat.Jpeg, width, height)));
        using var image = _decoder.Decode(data);
        Assert.That((image.Width, image.Height), Is.EqualTo((width, height)));
        Assert.That(image.Pixels.ToArray().Distinct().Count(), Is.GreaterThan(100), "a photo has many distinct values");
    }

    [Test]
    public void Progressive_jpeg_matches_the_lossless_png_of_the_same_photo()
    {
        using var jpeg = _decoder.Decode(Photo("cat_progressive.jpg"));
        using var png = new SkiaImageDecoder().Decode(Photo("cat.png"));
        Assert.That((jpeg.Width, jpeg.Height), Is.EqualTo((png.Width, png.Height)));
        Assert.That(MeanAbsoluteDifference(jpeg.Pixels, png.Pixels), Is.LessThan(6.0));
    }

    [Test]
    public void Two_colour_jpeg_decodes_to_its_colours()
    {
        var jpeg = EncodeJpeg(TwoColour(16, 16, (255, 0, 0), (0, 0, 255)), 16, 16, quality: 100);
        using var image = _decoder.Decode(jpeg);
        Assert.Multiple(() =>
        {
            Assert.That(Distance(Pixel(image, 2, 8), Red), Is.LessThanOrEqualTo(3));
            Assert.That(Distance(Pixel(image, 13, 8), Blue), Is.LessThanOrEqualTo(3));
        });
    }

    [Test]
    public void Greyscale_jpeg_is_expanded_to_rgb()
    {
        var data = Fixture("gray.jpg");
        using var image = _decoder.Decode(data);
        Assert.That((image.Width, image.Height), Is.EqualTo((16, 8)));
        var (r, g, b) = Pixel(image, 2, 4);
        var right = Pixel(image, 13, 4);
        Assert.Multiple(() =>
        {
            Assert.That((g, b), Is.EqualTo((r, r)), "grey stays grey");
            Assert.That(r, Is.InRange(37, 43));
            Assert.That(right.R, Is.InRange(197, 203));
        });
    }

    [Test]
    public void Adobe_cmyk_jpeg_is_converted_to_rgb_from_inverted_channels()
    {
        using var image = _decoder.Decode(Fixture("cmyk_adobe.jpg"));
        Assert.That((image.Width, image.Height), Is.EqualTo((32, 16)));
        AssertQuadrants(image, 8, 4, 24, 12, Red, Green, Blue, White);
    }

    [Test]
    public void Exif_orientation_6_is_rotated_upright()
    {
        var data = Fixture("exif6.jpg");
        Assert.That(_decoder.Identify(data), Is.EqualTo(new ImageInfo(ImageFormat.Jpeg, 32, 16, 6)));
        using var image = _decoder.Decode(data);
        Assert.That((image.Width, image.Height), Is.EqualTo((16, 32)));

        // Stored quadrants red|green over blue|white, rotated 90 degrees clockwise.
        AssertQuadrants(image, 4, 8, 12, 24, Blue, Red, White, Green);
    }

    [Test]
    public void Exif_orientation_3_is_rotated_half_a_turn()
    {
        var data = Fixture("exif3.jpg");
        Assert.That(_decoder.Identify(data).Orientation, Is.EqualTo(3));
        using var image = _decoder.Decode(data);
        Assert.That((image.Width, image.Height), Is.EqualTo((32, 16)));
        AssertQuadrants(image, 8, 4, 24, 12, White, Blue, Green, Red);
    }

    [TestCase(256, 500, 375)]
    [TestCase(375, 500, 375)]
    [TestCase(376, 1000, 750)]
    [TestCase(400, 1000, 750)]
    [TestCase(3000, 4000, 3000)]
    [TestCase(5000, 4000, 3000)]
    public void Dct_scaling_picks_the_smallest_factor_that_keeps_the_short_side(int minShortSide, int width, int height) =>
        Assert.That(JpegScaling.ScaledSize(4000, 3000, minShortSide), Is.EqualTo((width, height)));

    [TestCase(400, 533)]
    [TestCase(512, 929)]
    public void Dct_scaling_leaves_photos_too_small_for_half_size_alone(int width, int height) =>
        Assert.That(JpegScaling.ScaledSize(width, height, 320), Is.EqualTo((width, height)));

    [Test]
    public void Dct_scaling_rounds_up_like_tjscaled() =>
        Assert.That(JpegScaling.ScaledSize(4001, 3001, 256), Is.EqualTo((501, 376)));

    [Test]
    public void A_4000x3000_photo_with_min_short_side_256_decodes_at_one_eighth()
    {
        var jpeg = LargeJpeg.Value;
        Assert.That(jpeg, Has.Length.LessThan(2_000_000));
        using var scaled = _decoder.Decode(jpeg, new DecodeOptions { MinShortSide = 256 });
        Assert.That((scaled.Width, scaled.Height), Is.EqualTo((500, 375)));
        Assert.That(Distance(Pixel(scaled, 100, 187), Red), Is.LessThanOrEqualTo(4));
        Assert.That(Distance(Pixel(scaled, 400, 187), Blue), Is.LessThanOrEqualTo(4));

        using var full = _decoder.Decode(jpeg);
        Assert.That((full.Width, full.Height), Is.EqualTo((4000, 3000)));
    }

    [Test]
    public void Truncated_jpeg_is_reported_as_corrupt()
    {
        var data = Photo("parrot.jpg");
        foreach (var length in new[] { 20, 200, 1000, data.Length / 4, data.Length / 2, data.Length - 1000, data.Length - 2 })
        {
            var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data.AsSpan(0, length)).Dispose(), $"length {length}");
            Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.Corrupt), $"length {length}: {ex.Message}");
            Assert.That(ex.Format, Is.EqualTo(ImageFormat.Jpeg));
        }
    }

    [Test]
    public void A_premature_end_says_the_data_is_truncated()
    {
        var data = Photo("owl.jpg");
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data.AsSpan(0, data.Length / 2)).Dispose());
        Assert.That(ex!.Message, Does.Contain("truncated").Or.Contain("Premature end").IgnoreCase);
    }

    [Test]
    public void A_progressive_jpeg_that_repeats_its_last_scan_thousands_of_times_is_refused_as_corrupt()
    {
        // A decompression bomb: each repeated scan is decoded again over the whole image (libjpeg only warns).
        var random = new Random(7);
        var rgb = new byte[256 * 256 * 3];
        random.NextBytes(rgb);
        var progressive = EncodeJpeg(rgb, 256, 256, quality: 90, progressive: true);
        var bomb = RepeatLastScan(progressive, 3000);

        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(bomb).Dispose());

        Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.Corrupt));
    }

    [Test]
    public void Extraneous_bytes_after_the_image_are_tolerated()
    {
        var data = Photo("hot_dog.jpg");
        byte[] padded = [.. data, .. new byte[100]];
        using var image = _decoder.Decode(padded);
        Assert.That(image.Width, Is.EqualTo(512));
    }

    [Test]
    public void Bytes_that_are_no_image_are_refused_as_unsupported()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode("not an image, only text"u8));
        Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.UnsupportedFormat));
    }

    [Test]
    public void Concurrent_decodes_from_eight_threads_give_identical_pixels()
    {
        var data = Photo("parrot.jpg");
        var scaledOptions = new DecodeOptions { MinShortSide = 200 };
        byte[] expected, expectedScaled;
        using (var reference = _decoder.Decode(data))
        {
            expected = reference.Pixels.ToArray();
        }

        using (var reference = _decoder.Decode(data, scaledOptions))
        {
            expectedScaled = reference.Pixels.ToArray();
        }

        var mismatches = 0;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                var scaled = (i + t) % 2 == 0;
                using var image = _decoder.Decode(data, scaled ? scaledOptions : null);
                if (!image.Pixels.SequenceEqual(scaled ? expectedScaled : expected))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(mismatches, Is.Zero);
    }

    internal static readonly Lazy<byte[]> LargeJpeg = new(() =>
        EncodeJpeg(TwoColour(4000, 3000, (255, 0, 0), (0, 0, 255)), 4000, 3000, quality: 90, subsampling: ImageSearch.Core.Query.Imaging.Native.TurboJpegNative.TJSAMP_420));

    /// <summary>The JPEG with its last scan (SOS segment and entropy-coded data) repeated before the end marker.</summary>
    private static byte[] RepeatLastScan(byte[] jpeg, int times)
    {
        int lastScan = -1, position = 2;
        while (position < jpeg.Length - 1 && jpeg[position + 1] != 0xD9)
        {
            var marker = jpeg[position + 1];
            var next = position + 2 + ((jpeg[position + 2] << 8) | jpeg[position + 3]);
            if (marker == 0xDA)
            {
                lastScan = position;
                while (!(jpeg[next] == 0xFF && jpeg[next + 1] != 0 && jpeg[next + 1] is < 0xD0 or > 0xD7))
                {
                    next++;
                }
            }

            position = next;
        }

        var scan = jpeg[lastScan..position];
        return [.. jpeg[..position], .. Enumerable.Repeat(scan, times).SelectMany(s => s), .. jpeg[position..]];
    }

    internal static double MeanAbsoluteDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return (double)sum / a.Length;
    }

    internal static void AssertQuadrants(
        RgbImage image, int left, int top, int right, int bottom,
        (int R, int G, int B) topLeft, (int R, int G, int B) topRight, (int R, int G, int B) bottomLeft, (int R, int G, int B) bottomRight,
        int tolerance = 12) =>
        Assert.Multiple(() =>
        {
            Assert.That(Distance(Pixel(image, left, top), topLeft), Is.LessThanOrEqualTo(tolerance), $"top-left {Pixel(image, left, top)}");
            Assert.That(Distance(Pixel(image, right, top), topRight), Is.LessThanOrEqualTo(tolerance), $"top-right {Pixel(image, right, top)}");
            Assert.That(Distance(Pixel(image, left, bottom), bottomLeft), Is.LessThanOrEqualTo(tolerance), $"bottom-left {Pixel(image, left, bottom)}");
            Assert.That(Distance(Pixel(image, right, bottom), bottomRight), Is.LessThanOrEqualTo(tolerance), $"bottom-right {Pixel(image, right, bottom)}");
        });
}
