using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace ImageSearch.Bench;

internal static class BenchConfig
{
    /// <summary>Short but stable runs: the numbers are per operation (per image), in process memory, on this machine.</summary>
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithId("bench"))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
        .WithOptions(ConfigOptions.JoinSummary);
}
