using System.Globalization;
using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.Query.Index;
using Spectre.Console;

namespace ImageSearch.BuildIndex;

/// <summary>The end of a build: what was done, how fast, and every failed row with its line and reason.</summary>
internal static class BuildSummary
{
    public static void Print(IndexBuildResult result, string indexPath)
    {
        var console = AnsiConsole.Console;
        var summary = new Table().AddColumns("built", "reused", "failed", "time", "images/s");
        string[] cells =
        [
            result.Built.ToString(CultureInfo.InvariantCulture),
            result.Reused.ToString(CultureInfo.InvariantCulture),
            result.Failures.Count.ToString(CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalSeconds:F1} s"),
            string.Create(CultureInfo.InvariantCulture, $"{result.ImagesPerSecond:F0}"),
        ];
        if (result.Views is { } views)
        {
            // The augmented views the metric head trained on: embedded now (views), or taken from the view cache (cached).
            summary.AddColumns("views", "cached", "views/s");
            cells =
            [
                .. cells,
                views.Embedded.ToString(CultureInfo.InvariantCulture),
                views.Reused.ToString(CultureInfo.InvariantCulture),
                views.Embedded > 0 ? string.Create(CultureInfo.InvariantCulture, $"{views.ViewsPerSecond:F0}") : "-",
            ];
        }

        summary.AddRow(cells);
        console.Write(summary);

        if (result.Failures.Count > 0)
        {
            var failures = new Table().Title("failed rows").AddColumns("line", "id", "reason");
            foreach (var failure in result.Failures)
            {
                failures.AddRow(failure.Line.ToString(CultureInfo.InvariantCulture), Markup.Escape(failure.Id), Markup.Escape(failure.Reason));
            }

            console.Write(failures);
        }

        foreach (var note in result.Notes)
        {
            Console.WriteLine(note);
        }

        if (result.Learning is { } learning)
        {
            Console.WriteLine(learning);
        }

        Console.WriteLine(result.Written
            ? $"wrote {indexPath} ({result.Metadata!.RowCount} rows) and {IndexMetadata.PathFor(indexPath)}"
            : $"{indexPath} was not changed");
    }
}
