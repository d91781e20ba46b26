using System.Runtime.CompilerServices;
using ImageSearch.Core.Imaging.Native;

namespace ImageSearch.Tests.Imaging;

/// <summary>The managed mirrors of the native structs must match the C layouts byte for byte.</summary>
public sealed class NativeInteropTests
{
    [Test]
    public void Png_image_struct_matches_libpng_layout() => Assert.That(Unsafe.SizeOf<LibPngNative.PngImage>(), Is.EqualTo(104));

    [Test]
    public unsafe void Png_image_message_starts_at_offset_36()
    {
        var png = default(LibPngNative.PngImage);
        Assert.That((int)((byte*)png.Message - (byte*)&png), Is.EqualTo(36));
    }

    [Test]
    public void Webp_features_struct_matches_libwebp_layout() =>
        Assert.That(Unsafe.SizeOf<LibWebpNative.BitstreamFeatures>(), Is.EqualTo(40));

    [Test]
    public unsafe void Turbojpeg_offers_downscaling_to_one_eighth()
    {
        Assert.That(Unsafe.SizeOf<TurboJpegNative.ScalingFactor>(), Is.EqualTo(8));
        var factors = TurboJpegNative.tjGetScalingFactors(out var count);
        var list = new ReadOnlySpan<TurboJpegNative.ScalingFactor>(factors, count).ToArray().Select(f => (f.Num, f.Denom));
        Assert.That(list, Does.Contain((1, 8)).And.Contain((1, 1)));
    }
}
