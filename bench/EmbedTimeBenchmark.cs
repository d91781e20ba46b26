using System.Diagnostics;
using System.Globalization;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Inference;

namespace ImageSearch.Bench;

/// <summary>
/// <c>embed-time PHOTO [MODEL] [ITERATIONS]</c>: what one embedding of a photo costs on one thread (decode, preprocess,
/// inference; ONNX Runtime with one intra-op thread, not spinning), and so the machine's ceiling for a service that
/// does nothing else: cores ÷ that time; then how much of that ceiling one embedding per core at once reaches in process.
/// bench/ratios.sh compares the API with both in the same run.
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
        // Two seconds of warm-up at least: tiered compilation's background work would otherwise still be running in the
        // measured part, and its CPU time counted as the embeddings' (about 0.9 ms an embedding after 20 warm-ups).
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < 20 || warming.Elapsed < TimeSpan.FromSeconds(2); i++)
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
        var ceiling = Environment.ProcessorCount * 1000 / median;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embed-time: {median:F2} ms median, {times[iterations / 10]:F2} ms p10, {cpuMs:F2} ms CPU on one thread ({iterations} embeddings of {Path.GetFileName(args[1])}); "
            + $"ceiling {Environment.ProcessorCount} cores / {median:F2} ms = {ceiling:F1} searches/s"));

        // The same embeddings on every core at once, in process: what the machine itself gives of the ceiling (shared
        // caches, memory bandwidth, clock and a virtual machine's neighbours), with no server in the way.
        // Its CPU time an embedding is what a server's CPU time a search compares with: the same work under the same
        // contention, so what the server spends beyond it is the server's own.
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var (parallel, count) = Parallel(embedder, photo, Environment.ProcessorCount, TimeSpan.FromSeconds(3));
        var parallelCpuMs = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embed-parallel: {parallel:F1} embeddings/s on {Environment.ProcessorCount} threads at once = {100 * parallel / ceiling:F0}% of the ceiling; {parallelCpuMs:F2} ms CPU an embedding"));
        return 0;
    }

    private static (double PerSecond, int Count) Parallel(ImageEmbedder embedder, byte[] photo, int threads, TimeSpan duration)
    {
        var done = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            while (clock.Elapsed < duration)
            {
                embedder.Embed(photo);
                Interlocked.Increment(ref done);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return (done / clock.Elapsed.TotalSeconds, done);
    }
}
