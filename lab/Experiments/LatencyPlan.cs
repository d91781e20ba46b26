using System.Diagnostics;
using System.Globalization;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// What a metric head costs a query: applying the projection (1280 → d) and the exact search over d-dimensional
/// instead of 1280-dimensional vectors, on random unit vectors (the cost does not depend on the values).
/// </summary>
internal static class LatencyPlan
{
    public static void Run()
    {
        const int input = 1280;
        var random = new Random(1);
        float[] Random(int n)
        {
            var values = new float[n];
            for (var i = 0; i < n; i++)
            {
                values[i] = (float)(random.NextDouble() - 0.5);
            }

            return values;
        }

        var query = Random(input);
        Console.WriteLine("| what | per query (µs, median of 7 runs) |");
        Console.WriteLine("|---|---:|");
        foreach (var d in new[] { 128, 256, 512 })
        {
            var head = LinearProjection.Create(Random(input), Random(d * input), d);
            var output = new float[d];
            Console.WriteLine(Line($"project 1280 → {d}", 2000, () => head.Apply(query, output)));
        }

        foreach (var rows in new[] { 10_000, 100_000 })
        {
            foreach (var d in new[] { input, 256 })
            {
                var index = new VectorIndex(new VectorRows(Random(rows * d), rows, d));
                var q = query[..d];
                Console.WriteLine(Line($"exact top-10 over {rows:N0} × {d}", rows >= 100_000 ? 10 : 50, () => index.Search(q, 10)));
            }
        }
    }

    private static string Line(string what, int repeats, Action action)
    {
        action();
        var runs = new double[7];
        for (var r = 0; r < runs.Length; r++)
        {
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++)
            {
                action();
            }

            runs[r] = stopwatch.Elapsed.TotalMicroseconds / repeats;
        }

        Array.Sort(runs);
        return string.Create(CultureInfo.InvariantCulture, $"| {what} | {runs[3]:F1} |");
    }
}
