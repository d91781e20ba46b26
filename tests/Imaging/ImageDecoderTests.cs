using System.Buffers.Binary;
using System.Text;
using ImageSearch.Core.Query.Imaging;
using static ImageSearch.Tests.Imaging.ImagingTestData;

namespace ImageSearch.Tests.Imaging;

/// <summary>The engine's decoder, with JPEG through the system libjpeg-turbo and through SkiaSharp alone.</summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class ImageDecoderTests(bool systemJpeg)
{
    private static readonly DecodeOptions FuzzOptions = new() { MaxPixels = 4_000_000 };

    private readonly ImageDecoder _decoder = new(useSystemJpeg: systemJpeg);

    [TestCase("cat_progressive.jpg", ImageFormat.Jpeg)]
    [TestCase("bird.png", ImageFormat.Png)]
    [TestCase("parrot.webp", ImageFormat.Webp)]
    public void Supported_formats_are_dispatched_by_their_bytes(string name, ImageFormat format)
    {
        var data = Photo(name);
        var info = _decoder.Identify(data);
        Assert.That(info.Format, Is.EqualTo(format));
        using var image = _decoder.Decode(data);
        Assert.That((image.Width, image.Height), Is.EqualTo((info.Width, info.Height)));
    }

    [Test]
    public void Exif_orientation_is_applied_by_the_composite_decoder()
    {
        using var image = _decoder.Decode(Fixture("exif6.jpg"));
        Assert.That((image.Width, image.Height), Is.EqualTo((16, 32)));
    }

    [TestCase("tiny.gif", ImageFormat.Gif)]
    [TestCase("tiny.bmp", ImageFormat.Bmp)]
    [TestCase("animated.webp", ImageFormat.Webp)]
    public void Gif_bmp_and_animated_images_give_their_first_frame(string fixture, ImageFormat format)
    {
        // Each fixture is the same 4x4 frame (animated.webp's first of two), saved losslessly.
        var data = Fixture(fixture);
        Assert.That(_decoder.Identify(data), Is.EqualTo(new ImageInfo(format, 4, 4)));
        using var image = _decoder.Decode(data);
        using var frame = _decoder.Decode(Fixture("tiny.bmp"));
        Assert.That(image.Pixels.ToArray(), Is.EqualTo(frame.Pixels.ToArray()));
    }

    [TestCase("00 00 00 1C 66 74 79 70 61 76 69 66 00 00 00 00 6D 69 66 31 6D 69 61 66 00 00 00 00", ImageFormat.Avif, "AVIF images")]
    [TestCase("00 00 00 18 66 74 79 70 68 65 69 63 00 00 00 00 6D 69 66 31 68 65 69 63 00 00 00 00", ImageFormat.Heic, "HEIC images")]
    [TestCase("49 49 2A 00 08 00 00 00 00 00 00 00 00 00", ImageFormat.Tiff, "TIFF images")]
    [TestCase("00 00 01 00 01 00 10 10 00 00 01 00 20 00", ImageFormat.Ico, "ICO images")]
    public void Container_headers_of_other_formats_are_refused_by_name(string hex, ImageFormat format, string message) =>
        AssertUnsupported(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), format, message);

    [Test]
    public void Svg_text_is_refused_by_name() =>
        AssertUnsupported(
            Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"),
            ImageFormat.Svg,
            "SVG images are not supported");

    [Test]
    public void Unknown_bytes_are_refused_as_unsupported() =>
        AssertUnsupported(Encoding.UTF8.GetBytes("%PDF-1.7 this is not an image at all"), ImageFormat.Unknown, "Unrecognised");

    [Test]
    public void Zero_byte_input_is_unsupported_and_called_empty()
    {
        AssertUnsupported([], ImageFormat.Unknown, "empty");
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Identify([]));
        Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.UnsupportedFormat));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(11)]
    public void Input_too_short_to_identify_is_unsupported(int length)
    {
        // JPEG's own first bytes: with 1 or 2 of them nothing can be recognised; with 3+ it is a (truncated) JPEG.
        var data = Photo("owl.jpg").AsSpan(0, length).ToArray();
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data));
        Assert.That(ex!.Error, Is.EqualTo(length < 3 ? ImageDecodeError.UnsupportedFormat : ImageDecodeError.Corrupt), ex.Message);
        if (length < 3)
        {
            Assert.That(ex.Message, Does.Contain("empty"));
        }
    }

    [Test]
    public void Huge_jpeg_header_is_too_large_before_any_big_allocation()
    {
        var small = EncodeJpeg(TwoColour(16, 16, (255, 0, 0), (0, 0, 255)), 16, 16);
        var huge = WithJpegSize(small, 60000, 60000);
        AssertTooLargeWithoutAllocating(huge, ImageFormat.Jpeg);
    }

    [Test]
    public void Huge_png_header_is_too_large_before_any_big_allocation() =>
        AssertTooLargeWithoutAllocating(PngHeaderOnly(60000, 60000), ImageFormat.Png);

    [Test]
    public void Huge_webp_header_is_too_large_before_any_big_allocation()
    {
        // VP8L header: 0x2F, then 14 bits width-1, 14 bits height-1, alpha bit, 3 version bits (little-endian).
        var webp = Fixture("lossless.webp");
        Assert.That(Encoding.ASCII.GetString(webp, 12, 4), Is.EqualTo("VP8L"));
        BinaryPrimitives.WriteUInt32LittleEndian(webp.AsSpan(21), (16383u << 14) | 16383u);
        Assert.That(_decoder.Identify(webp), Is.EqualTo(new ImageInfo(ImageFormat.Webp, 16384, 16384)));
        AssertTooLargeWithoutAllocating(webp, ImageFormat.Webp);
    }

    [Test]
    public void Max_pixels_option_is_honoured()
    {
        var data = Photo("cat_progressive.jpg"); // 512x341 = 174,592 pixels
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data, new DecodeOptions { MaxPixels = 174_591 }));
        Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.TooLarge));
        using var image = _decoder.Decode(data, new DecodeOptions { MaxPixels = 174_592 });
        Assert.That(image.Width, Is.EqualTo(512));
    }

    [Test]
    public void Bad_options_are_argument_errors()
    {
        var data = Fixture("gray.png");
        Assert.Throws<ArgumentOutOfRangeException>(() => _decoder.Decode(data, new DecodeOptions { MaxPixels = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _decoder.Decode(data, new DecodeOptions { MinShortSide = 0 }));
    }

    [TestCase("cat_progressive.jpg", 300)]
    [TestCase("hot_dog.jpg", 150)]
    [TestCase("bird.png", 150)]
    [TestCase("parrot.webp", 150)]
    public void Bit_flipped_photos_decode_or_throw_image_decode_exceptions_only(string name, int iterations) =>
        Fuzz(Photo(name), iterations, seed: name.Length);

    [TestCase("gray.jpg")]
    [TestCase("cmyk_adobe.jpg")]
    [TestCase("exif6.jpg")]
    [TestCase("rgb16.png")]
    [TestCase("palette.png")]
    [TestCase("alpha.png")]
    [TestCase("lossless.webp")]
    [TestCase("alpha.webp")]
    [TestCase("exif6.webp")]
    [TestCase("animated.webp")]
    [TestCase("tiny.gif")]
    [TestCase("tiny.bmp")]
    public void Bit_flipped_fixtures_decode_or_throw_image_decode_exceptions_only(string fixture) =>
        Fuzz(Fixture(fixture), 1500, seed: fixture.GetHashCode(StringComparison.Ordinal));

    [Test]
    public void Truncation_at_every_length_of_small_files_throws_only_image_decode_exceptions()
    {
        foreach (var fixture in new[] { "gray.jpg", "exif6.jpg", "palette.png", "alpha.png", "lossless.webp", "exif6.webp", "tiny.gif", "tiny.bmp" })
        {
            var data = Fixture(fixture);
            for (var length = 0; length < data.Length; length++)
            {
                TryDecode(data.AsSpan(0, length).ToArray(), $"{fixture} cut to {length}");
            }
        }
    }

    [Test]
    public void Concurrent_decodes_of_all_formats_from_eight_threads_give_identical_pixels()
    {
        var inputs = new[] { Photo("owl.jpg"), Photo("grace_hopper.png"), Photo("parrot.webp"), Fixture("cmyk_adobe.jpg"), Fixture("alpha.png") };
        var expected = inputs.Select(d =>
        {
            using var image = _decoder.Decode(d);
            return image.Pixels.ToArray();
        }).ToArray();

        var mismatches = 0;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            for (var i = 0; i < 15; i++)
            {
                var k = (i + t) % inputs.Length;
                using var image = _decoder.Decode(inputs[k]);
                if (!image.Pixels.SequenceEqual(expected[k]))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(mismatches, Is.Zero);
    }

    private void AssertUnsupported(byte[] data, ImageFormat format, string message)
    {
        var ex = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data));
        Assert.That(ex!.Error, Is.EqualTo(ImageDecodeError.UnsupportedFormat));
        Assert.That(ex.Format, Is.EqualTo(format));
        Assert.That(ex.Message, Does.Contain(message));
    }

    private void AssertTooLargeWithoutAllocating(byte[] data, ImageFormat format)
    {
        // Warm up (JIT, lazy statics) so that only the decode attempt itself is measured.
        Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data));
        var before = GC.GetAllocatedBytesForCurrentThread();
        ImageDecodeException? caught = null;
        try
        {
            _decoder.Decode(data).Dispose();
        }
        catch (ImageDecodeException ex)
        {
            caught = ex;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(caught, Is.Not.Null);
        Assert.That(caught!.Error, Is.EqualTo(ImageDecodeError.TooLarge), caught.Message);
        Assert.That(caught.Format, Is.EqualTo(format));
        Assert.That(allocated, Is.LessThan(64 * 1024), "refused from the header, before any pixel buffer");
    }

    private void Fuzz(byte[] original, int iterations, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < iterations; i++)
        {
            var data = (byte[])original.Clone();
            var flips = random.Next(1, 9);
            for (var f = 0; f < flips; f++)
            {
                // Half the flips land in the first 512 bytes, where the headers and tables live.
                var at = random.Next(random.Next(2) == 0 ? Math.Min(512, data.Length) : data.Length);
                data[at] ^= (byte)(1 << random.Next(8));
            }

            if (random.Next(4) == 0)
            {
                data = data.AsSpan(0, random.Next(data.Length)).ToArray();
            }

            TryDecode(data, $"iteration {i}");
        }
    }

    /// <summary>Decoding hostile bytes may succeed or throw ImageDecodeException; anything else fails the test.</summary>
    private void TryDecode(byte[] data, string what)
    {
        try
        {
            _ = _decoder.Identify(data);
        }
        catch (ImageDecodeException)
        {
        }

        try
        {
            using var image = _decoder.Decode(data, FuzzOptions);
            Assert.That(image.Width * image.Height, Is.Positive, what);
        }
        catch (ImageDecodeException)
        {
        }
    }
}
