using BenchmarkDotNet.Running;

// dotnet run --project bench -c Release -- --filter '*'        (all; see docs/benchmarks.md)
BenchmarkSwitcher.FromAssembly(typeof(ImageSearch.Bench.BenchData).Assembly).Run(args, ImageSearch.Bench.BenchConfig.Create());
