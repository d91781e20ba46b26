using BenchmarkDotNet.Running;
using ImageSearch.Bench;

// dotnet run --project bench -c Release -- --filter '*'        (BenchmarkDotNet suites; see docs/benchmarks.md)
// dotnet run --project bench -c Release -- large-catalog        (large catalogs: load, memory, latency, recall)
// dotnet run --project bench -c Release -- postgres-catalog     (the PostgreSQL store beside the embedded index; needs IMAGESEARCH_BENCH_POSTGRES)
// dotnet run --project bench -c Release -- csv-parse            (index.csv parsing speed, MB/s)
// dotnet run --project bench -c Release -- embed-time PHOTO     (one embedding on one thread; the ceiling bench/ratios.sh uses, in --rounds)
// dotnet run --project bench -c Release -- view-time FOLDER     (catalog photos vs augmented views: rate and CPU time of each)
return args switch
{
    ["large-catalog", ..] => LargeCatalogBenchmark.Run(args),
    ["large-catalog-measure", var folder, var kind, var candidates] => LargeCatalogBenchmark.Measure(folder, kind, candidates),
    ["postgres-catalog", ..] => PostgresCatalogBenchmark.Run(args),
    ["csv-parse", ..] => CsvParseBenchmark.Run(args),
    ["embed-time", ..] => EmbedTimeBenchmark.Run(args),
    ["view-time", ..] => ViewTimeBenchmark.Run(args),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(BenchData).Assembly).Run(args, BenchConfig.Create());
    return 0;
}
