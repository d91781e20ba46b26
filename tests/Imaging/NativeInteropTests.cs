using System.Runtime.CompilerServices;
using ImageSearch.Core.Query.Imaging.Native;

namespace ImageSearch.Tests.Imaging;

/// <summary>The managed mirror of TurboJPEG's scaling-factor struct matches its C layout.</summary>
public sealed class NativeInteropTests
{
    [Test]
    public unsafe void Turbojpeg_offers_downscaling_to_one_eighth()
    {
        Assert.That(Unsafe.SizeOf<TurboJpegNative.ScalingFactor>(), Is.EqualTo(8));
        var factors = TurboJpegNative.tjGetScalingFactors(out var count);
        var list = new ReadOnlySpan<TurboJpegNative.ScalingFactor>(factors, count).ToArray().Select(f => (f.Num, f.Denom));
        Assert.That(list, Does.Contain((1, 8)).And.Contain((1, 1)));
    }
}
