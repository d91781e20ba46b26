using System.Net;
using SkiaSharp;

namespace ImageSearch.Tests.Api;

/// <summary>
/// Images near the pixel limit are decoded into buffers the service gives back to the runtime afterwards: a few
/// uploads of a small, flat 40-megapixel PNG (170 kB on the wire, 280 MB of pixels) leave the process where it was.
/// </summary>
public sealed class LargeImageMemoryTests
{
    /// <summary>
    /// Growth allowed while the uploads run one after another: one decode's RGBA and RGB buffers (about 280 MB) and
    /// the runtime's slack (measured: +300 MB). Pooling those buffers kept every size ever decoded (1.6 GB after seven such
    /// uploads), and plain arrays waited for a full collection (+1.5 GB at the peak).
    /// </summary>
    private const long PeakGrowthCeilingBytes = 500L * 1024 * 1024;

    /// <summary>
    /// What may stay allocated on the managed heap after the uploads: the shared pools' small arrays (measured: 32-48 MB),
    /// nothing of the images' size (one decode's buffers are 280 MB; pooled, they stayed).
    /// </summary>
    private const long HeapGrowthCeilingBytes = 96L * 1024 * 1024;

    [Test]
    public async Task Uploads_of_a_flat_40_megapixel_png_leave_no_pixel_buffers_behind()
    {
        var png = FlatPng(6000, 6666);
        Assert.That(png, Has.Length.LessThan(1024 * 1024), "a flat image compresses to almost nothing");
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:RateLimit:Enabled"] = "false" });
        using var client = factory.CreateClient();
        using (var warm = await client.PostAsync("/search", SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001")))))
        {
            Assert.That(warm.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        await using var probe = WorkingSetProbe.Start();

        for (var upload = 0; upload < 6; upload++)
        {
            using var answer = await client.PostAsync("/search", SearchForms.WithFile(png, "flat.png", "image/png"));
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK), await answer.Content.ReadAsStringAsync());
        }

        await probe.StopAsync();
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        var workingSetGrowth = WorkingSetProbe.Settled() - probe.Baseline;
        TestContext.Out.WriteLine(
            $"working set {probe.Baseline / 1048576.0:0} MiB before, peak +{probe.PeakGrowth / 1048576.0:0} MiB, " +
            $"+{workingSetGrowth / 1048576.0:0} MiB after; managed heap +{heapGrowth / 1048576.0:0} MiB after");

        Assert.That(probe.PeakGrowth, Is.LessThan(PeakGrowthCeilingBytes), "the working set's growth during the uploads");
        Assert.That(heapGrowth, Is.LessThan(HeapGrowthCeilingBytes), "pixel buffers still held on the managed heap");
        Assert.That(workingSetGrowth, Is.LessThan(PeakGrowthCeilingBytes / 2), "the working set after the uploads");
    }

    private static byte[] FlatPng(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(200, 180, 160));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
