using System.Diagnostics;
using System.Globalization;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Inference;

namespace ImageSearch.Bench;

/// <summary>
/// <c>embed-time PHOTO [MODEL] [ITERATIONS] [--rounds]</c>: what one embedding of a photo costs on one thread (decode,
/// preprocess, inference; ONNX Runtime with one intra-op thread, not spinning), and so the machine's ceiling for a
/// service that does nothing else: cores ÷ that time; then how much of that ceiling one embedding per core at once
/// reaches in process. With <c>--rounds</c> it warms up once, prints <c>ready</c>, and measures both again for every line
/// it reads from standard input until it closes: bench/ratios.sh alternates these rounds with the service's, seconds
/// apart, on a virtual machine whose speed swings by a third from one round to the next.
/// </summary>
internal static class EmbedTimeBenchmark
{
    private static readonly TimeSpan ParallelDuration = TimeSpan.FromSeconds(2);

    public static int Run(string[] args)
    {
        var rounds = args.Contains("--rounds");
        var positional = args.Where(a => a != "--rounds").ToArray();
        if (positional.Length < 2)
        {
            Console.Error.WriteLine("usage: embed-time PHOTO [MODEL] [ITERATIONS] [--rounds]");
            return 2;
        }

        var photo = File.ReadAllBytes(positional[1]);
        var model = positional.Length > 2 ? positional[2] : Path.Combine("models", "mobilenetv2-12-int8.features.onnx");
        var iterations = positional.Length > 3 ? int.Parse(positional[3], CultureInfo.InvariantCulture) : 200;
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

        if (!rounds)
        {
            Measure(embedder, photo, Path.GetFileName(positional[1]), iterations);
            return 0;
        }

        Console.WriteLine("ready");
        while (Console.ReadLine() is not null)
        {
            Measure(embedder, photo, Path.GetFileName(positional[1]), iterations);
        }

        return 0;
    }

    private static void Measure(ImageEmbedder embedder, byte[] photo, string name, int iterations)
    {
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
        // The ceiling takes the median, as a single request sees it; the mean is what a stream of them costs one
        // thread (the rate one thread sustains is 1 / mean), and it exceeds the median when some embeddings run slow.
        var mean = times.Average();
        Array.Sort(times);
        var median = times[iterations / 2];
        var ceiling = Environment.ProcessorCount * 1000 / median;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embed-time: {median:F2} ms median, {times[iterations / 10]:F2} ms p10, {mean:F2} ms mean, {cpuMs:F2} ms CPU on one thread ({iterations} embeddings of {name}); "
            + $"ceiling {Environment.ProcessorCount} cores / {median:F2} ms = {ceiling:F1} searches/s"));

        // The same embeddings on every core at once, in process: what the machine itself gives of the ceiling (shared
        // caches, memory bandwidth, clock and a virtual machine's neighbours), with no server in the way.
        // Its CPU time an embedding is what a server's CPU time a search compares with: the same work under the same
        // contention, so what the server spends beyond it is the server's own.
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var (parallel, count) = Parallel(embedder, photo, Environment.ProcessorCount, ParallelDuration);
        var parallelCpuMs = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embed-parallel: {parallel:F1} embeddings/s on {Environment.ProcessorCount} threads at once = {100 * parallel / ceiling:F0}% of the ceiling; {parallelCpuMs:F2} ms CPU an embedding"));
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
