using System.Diagnostics;
using System.Globalization;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Postgres;
using ImageSearch.Core.Query.Search;

namespace ImageSearch.Bench;

/// <summary>
/// The PostgreSQL store beside the embedded compact index, in one run, on the large-catalog benchmark's catalogs
/// (docs/benchmarks.md, "PostgreSQL + pgvector"): first the large-catalog table's rows for the same sizes and kind
/// (prepared once under artifacts/large-catalog), then the same catalog published to PostgreSQL as a version (binary
/// COPY, keys, HNSW build) and searched through the service's PostgreSQL snapshot: p50/p99 latency of one query at a
/// time and recall@10 against exact float32 search, unfiltered and with the 1-in-17 category filter, for each
/// <c>hnsw.ef_search</c>. <c>--reuse</c> searches the version an earlier run published instead of publishing again
/// (its keys and HNSW times are then reported together).
/// <code>
/// export IMAGESEARCH_BENCH_POSTGRES="$(tests/postgres/server.sh start)"
/// dotnet run --project bench -c Release -- postgres-catalog [--sizes 100000] [--kinds real] [--ef-search 40,100,200] [--hnsw-m 16] [--hnsw-ef-construction 64] [--reuse]
/// tests/postgres/server.sh stop
/// </code>
/// </summary>
public static class PostgresCatalogBenchmark
{
    public const string Variable = "IMAGESEARCH_BENCH_POSTGRES";

    private const int K = 10;

    private static readonly EmbedderIdentity Identity = new(new string('b', 64), "bench", 1280);

    public static int Run(string[] args)
    {
        var connection = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connection))
        {
            Console.Error.WriteLine($"postgres-catalog: set {Variable} to a PostgreSQL + pgvector connection string (e.g. export {Variable}=\"$(tests/postgres/server.sh start)\").");
            return 2;
        }

        var sizes = LargeCatalogBenchmark.Option(args, "--sizes", "100000");
        var kind = LargeCatalogBenchmark.Option(args, "--kinds", "real");
        var efSearch = LargeCatalogBenchmark.Option(args, "--ef-search", "40,100,200").Split(',').Select(e => int.Parse(e, CultureInfo.InvariantCulture)).ToArray();
        var publish = new PublishOptions
        {
            HnswM = int.Parse(LargeCatalogBenchmark.Option(args, "--hnsw-m", "16"), CultureInfo.InvariantCulture),
            HnswEfConstruction = int.Parse(LargeCatalogBenchmark.Option(args, "--hnsw-ef-construction", "64"), CultureInfo.InvariantCulture),
            GracePeriod = TimeSpan.Zero,
        };
        var root = Path.GetFullPath(Path.Combine("artifacts", "large-catalog"));

        Console.WriteLine("Embedded index (the large-catalog benchmark, same run):");
        Console.WriteLine();
        LargeCatalogBenchmark.Run(["--sizes", sizes, "--kinds", kind, "--folder", root]);
        Console.WriteLine();
        Console.WriteLine($"PostgreSQL + pgvector (HNSW m = {publish.HnswM}, ef_construction = {publish.HnswEfConstruction}):");
        Console.WriteLine();
        Console.WriteLine("| vectors | products | publish (s) | COPY (rows/s) | keys (s) | HNSW build (s) | service load (s) | ef_search | p50 (ms) | p99 (ms) | recall@10 | filtered p50 (ms) | filtered p99 (ms) | filtered recall@10 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var size in sizes.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
        {
            var folder = Path.Combine(root, $"{kind}-{size}");
            var schema = "bench_" + size.ToString(CultureInfo.InvariantCulture);
            PublishResult result;
            using (var store = new PostgresVectorStore(new PostgresStoreOptions { ConnectionString = connection, Schema = schema, CommandTimeout = TimeSpan.FromHours(2) }))
            {
                if (args.Contains("--reuse") && Published(store, size) is { } earlier)
                {
                    // The version a previous run published (its timings as that run recorded them).
                    result = earlier;
                }
                else
                {
                    using var source = Source(folder);
                    var publishing = Stopwatch.StartNew();
                    result = IndexPublisher.PublishAsync(store, source, publish, new Progress(), CancellationToken.None).GetAwaiter().GetResult();
                    Console.Error.WriteLine($"published {size:N0} in {publishing.Elapsed.TotalSeconds:F0} s");
                }
            }

            foreach (var ef in efSearch)
            {
                using var store = new PostgresVectorStore(new PostgresStoreOptions { ConnectionString = connection, Schema = schema, EfSearch = ef, CommandTimeout = TimeSpan.FromMinutes(10) });
                var loading = Stopwatch.StartNew();
                using var service = PostgresSnapshot.LoadAsync(store, result.Version, Path.Combine(folder, "products.csv"), Identity, CancellationToken.None).GetAwaiter().GetResult();
                var load = loading.Elapsed.TotalSeconds;
                var (queries, truth, filteredTruth) = LargeCatalogBenchmark.ReadTruth(folder);
                var unfiltered = new SearchRequest(K, -1f);
                var filtered = new SearchRequest(K, -1f, new ProductFilter { Categories = ProductFilter.CategorySet(["c0"]) });
                for (var i = 0; i < 5; i++)
                {
                    service.Search(QueryEmbedding.Features(queries[i]), unfiltered);
                    service.Search(QueryEmbedding.Features(queries[i]), filtered);
                }

                var (p50, p99, recall) = LargeCatalogBenchmark.Run(service, queries, truth, unfiltered);
                var (fp50, fp99, frecall) = LargeCatalogBenchmark.Run(service, queries, filteredTruth, filtered);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {kind} | {size:N0} | {(result.Load + result.Keys + result.Hnsw + result.Switch).TotalSeconds:F1} | {result.RowsPerSecond:N0} | {result.Keys.TotalSeconds:F1} | {result.Hnsw.TotalSeconds:F1} | {load:F2} | {ef} | {p50:F2} | {p99:F2} | {recall:F4} | {fp50:F2} | {fp99:F2} | {frecall:F4} |"));
            }
        }

        return 0;
    }

    /// <summary>The current version of <paramref name="store"/> when it holds <paramref name="size"/> products, with the timings its publish recorded.</summary>
    private static PublishResult? Published(PostgresVectorStore store, int size)
    {
        using var command = store.DataSource.CreateCommand(
            $"SELECT v.version, v.load_seconds, v.index_seconds FROM {store.Schema}.versions v JOIN {store.Schema}.current_version c USING (version) WHERE v.row_count = {size.ToString(CultureInfo.InvariantCulture)}");
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new PublishResult(reader.GetInt64(0), size, size, TimeSpan.FromSeconds(reader.GetDouble(1)), TimeSpan.Zero, TimeSpan.FromSeconds(reader.GetDouble(2)), TimeSpan.Zero, [])
            : null;
    }

    /// <summary>The prepared catalog, its metadata and index.bin's exact vectors, as <c>build-index publish</c> reads a build.</summary>
    private static PublishSource Source(string folder)
    {
        var catalog = CatalogReader.Read(Path.Combine(folder, "products.csv"));
        var metadata = IndexMetadata.Read(Path.Combine(folder, "index.csv"));
        var binary = BinaryIndexFile.Open(Path.Combine(folder, "index.bin"));
        return new PublishSource(catalog, metadata, binary.Ids, binary.Dimension, binary.ExactRows.CopyRow, binary);
    }

    private sealed class Progress : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine(value);
    }
}
