using System.Diagnostics;
using System.Globalization;
using ImageSearch.Core.Build.Augmentation;
using ImageSearch.Core.Query.Embedding;

namespace ImageSearch.Bench;

/// <summary>
/// <c>view-time IMAGES_FOLDER [MODEL] [PHOTOS] [VIEWS]</c>: the build's two embedding paths on the same photos, with
/// the build's defaults (ONNX Runtime on every core, batch 8): catalog photos (decode, preprocess, inference) and
/// augmented views (decode once, render each view, preprocess, inference). Prints the rate and the CPU time of each,
/// so the views' extra cost — the rendering — is seen apart from the machine's load.
/// </summary>
internal static class ViewTimeBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: view-time IMAGES_FOLDER [MODEL] [PHOTOS] [VIEWS]");
            return 2;
        }

        var model = args.Length > 2 ? args[2] : Path.Combine("models", "mobilenetv2-12-int8.features.onnx");
        var count = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 64;
        var perPhoto = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 8;
        ReadOnlyMemory<byte>[] photos = [.. Directory.EnumerateFiles(args[1], "*.jpg").Order(StringComparer.Ordinal).Take(count).Select(f => (ReadOnlyMemory<byte>)File.ReadAllBytes(f))];
        using var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = model });
        var views = new AugmentedViewEmbedder(embedder, new ViewAugmenter(new ViewAugmentationOptions()));
        embedder.EmbedBatch(photos[..8]);
        views.Embed(photos[..2], perPhoto);

        var (imageSeconds, imageCpu) = Measure(() =>
        {
            for (var start = 0; start < photos.Length; start += 8)
            {
                embedder.EmbedBatch(photos[start..Math.Min(photos.Length, start + 8)]);
            }
        });
        var (viewSeconds, viewCpu) = Measure(() => views.Embed(photos, perPhoto));
        var viewCount = photos.Length * perPhoto;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"photos: {photos.Length / imageSeconds:F0}/s, {imageCpu / photos.Length:F2} ms CPU each; views: {viewCount / viewSeconds:F0}/s, {viewCpu / viewCount:F2} ms CPU each "
            + $"({photos.Length} photos, {perPhoto} views each; views/s is {viewCount / viewSeconds / (photos.Length / imageSeconds):P0} of photos/s)"));
        return 0;
    }

    private static (double Seconds, double CpuMilliseconds) Measure(Action action)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        action();
        return (Stopwatch.GetElapsedTime(started).TotalSeconds, (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds);
    }
}
