using System.Diagnostics;
using System.Globalization;
using ImageSearch.Core.Query.Index;

namespace ImageSearch.Bench;

/// <summary>
/// How fast <c>index.csv</c> (the interchange format and the API's fallback) parses: writes an index.csv of a
/// large-catalog benchmark's vectors once (artifacts/large-catalog/csv-KIND-ROWS), then parses it three times with
/// <see cref="IndexCsvReader"/> and prints MB/s.
/// <code>dotnet run --project bench -c Release -- csv-parse [--rows 100000] [--kind real]</code>
/// </summary>
public static class CsvParseBenchmark
{
    public static int Run(string[] args)
    {
        var rows = int.Parse(LargeCatalogBenchmark.Option(args, "--rows", "100000"), CultureInfo.InvariantCulture);
        var kind = LargeCatalogBenchmark.Option(args, "--kind", "real");
        var root = Path.GetFullPath(LargeCatalogBenchmark.Option(args, "--folder", Path.Combine("artifacts", "large-catalog")));
        var source = Path.Combine(root, $"{kind}-{rows}", "index.bin");
        if (!File.Exists(source))
        {
            Console.Error.WriteLine($"{source} is missing: run 'large-catalog --sizes {rows} --kinds {kind}' first.");
            return 2;
        }

        var path = Path.Combine(root, $"csv-{kind}-{rows}", "index.csv");
        if (!File.Exists(path))
        {
            Write(source, path);
        }

        var bytes = new FileInfo(path).Length;
        Console.WriteLine("| rows | index.csv (MB) | parse (s) | MB/s |");
        Console.WriteLine("|---:|---:|---:|---:|");
        for (var run = 0; run < 3; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            var parsed = IndexCsvReader.Read(path);
            var seconds = stopwatch.Elapsed.TotalSeconds;
            if (parsed.Count != rows)
            {
                throw new InvalidOperationException($"Parsed {parsed.Count} rows of {rows}.");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {rows:N0} | {bytes / 1e6:F0} | {seconds:F2} | {bytes / 1e6 / seconds:F0} |"));
        }

        return 0;
    }

    private static void Write(string source, string path)
    {
        using var binary = BinaryIndexFile.Open(source, verifyVectors: false);
        using var writer = new IndexCsvWriter(path, binary.Dimension);
        var vector = new float[binary.Dimension];
        var zeros = new string('0', 64);
        for (var row = 0; row < binary.Rows; row++)
        {
            binary.ExactRows.CopyRow(row, vector);
            writer.WriteRow(binary.Ids[row], vector, zeros);
        }

        writer.Commit((length, hashes) => new IndexMetadata
        {
            ModelSha256 = new string('b', 64),
            Preprocessing = "bench",
            Dimension = binary.Dimension,
            RowCount = binary.Rows,
            CatalogSha256 = zeros,
            CatalogPath = "products.csv",
            BuiltAt = DateTimeOffset.UtcNow,
            IndexBytes = length,
            ImageSha256 = new Dictionary<string, string>(hashes, StringComparer.Ordinal),
        });
    }
}
