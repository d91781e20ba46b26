using System.Diagnostics;
using System.Globalization;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Inference;

namespace ImageSearch.Bench;

/// <summary>
/// <c>embed-time PHOTO [MODEL] [ITERATIONS]</c>: what one embedding of a photo costs on one thread (decode, preprocess,
/// inference; ONNX Runtime with one intra-op thread, not spinning), and so the machine's ceiling for a service that
/// does nothing else: cores ÷ that time. bench/ratios.sh compares the API with it in the same run.
/// </summary>
internal static class EmbedTimeBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: embed-time PHOTO [MODEL] [ITERATIONS]");
            return 2;
        }

        var photo = File.ReadAllBytes(args[1]);
        var model = args.Length > 2 ? args[2] : Path.Combine("models", "mobilenetv2-12-int8.features.onnx");
        var iterations = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;
        using var embedder = ImageEmbedder.Create(new EmbedderOptions
        {
            ModelPath = model,
            Inference = new InferenceOptions { IntraOpNumThreads = 1 },
        });
        for (var i = 0; i < 20; i++)
        {
            embedder.Embed(photo);
        }

        var times = new double[iterations];
        var cpu = Environment.CpuUsage.TotalTime;
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            embedder.Embed(photo);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        // CPU time is what a loaded machine changes least: other processes take wall time, not this process's CPU time.
        var cpuMs = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / iterations;
        Array.Sort(times);
        var median = times[iterations / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embed-time: {median:F2} ms median, {times[iterations / 10]:F2} ms p10, {cpuMs:F2} ms CPU on one thread ({iterations} embeddings of {Path.GetFileName(args[1])}); "
            + $"ceiling {Environment.ProcessorCount} cores / {median:F2} ms = {Environment.ProcessorCount * 1000 / median:F1} searches/s"));
        return 0;
    }
}
