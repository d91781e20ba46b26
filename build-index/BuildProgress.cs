using System.Diagnostics;
using System.Globalization;
using ImageSearch.Core.Build.Indexing;
using Spectre.Console;

namespace ImageSearch.BuildIndex;

/// <summary>Shows a build's progress: a live bar with count, rate and ETA on a terminal; a plain line every few seconds otherwise.</summary>
internal static class BuildProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task<IndexBuildResult> RunAsync(int total, Func<IProgress<IndexBuildProgress>, Task<IndexBuildResult>> build)
    {
        if (!Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("indexing", maxValue: Math.Max(total, 1));
                    var result = await build(new Progress<IndexBuildProgress>(p => task.Value = p.Done));
                    task.Value = task.MaxValue;
                    return result;
                });
        }

        var lastReport = Stopwatch.StartNew();
        return await build(new SynchronousProgress(p =>
        {
            if (lastReport.Elapsed >= PlainInterval || p.Done == p.Total)
            {
                lastReport.Restart();
                Console.Error.WriteLine(Describe(p));
            }
        }));
    }

    internal static string Describe(IndexBuildProgress p)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"indexed {p.Done}/{p.Total} ({100.0 * p.Done / Math.Max(p.Total, 1):F0}%), {p.RowsPerSecond:F0} images/s, {p.Failed} failed");
        return p.Remaining is { } left ? line + string.Create(CultureInfo.InvariantCulture, $", about {left:mm\\:ss} left") : line;
    }

    private sealed class RateColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(string.Create(CultureInfo.InvariantCulture, $"[grey]{task.Value:F0}/{task.MaxValue:F0} {(task.ElapsedTime is { TotalSeconds: > 0 } e ? task.Value / e.TotalSeconds : 0):F0} img/s[/]"));
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<IndexBuildProgress> report) : IProgress<IndexBuildProgress>
    {
        public void Report(IndexBuildProgress value) => report(value);
    }
}
