using System.Diagnostics;

namespace ImageSearch.Tests.Api;

/// <summary>
/// The test process's memory while the API under test works in it: the settled working set (after full, compacting
/// collections) as a baseline, and the peak sampled every 20 ms until disposed.
/// </summary>
internal sealed class WorkingSetProbe : IAsyncDisposable
{
    private readonly CancellationTokenSource _sampling = new();
    private readonly Task _sampler;
    private long _peak;

    private WorkingSetProbe()
    {
        Baseline = Settled();
        _peak = Baseline;
        _sampler = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!_sampling.IsCancellationRequested)
            {
                process.Refresh();
                Interlocked.Exchange(ref _peak, Math.Max(Interlocked.Read(ref _peak), process.WorkingSet64));
                await Task.Delay(20, CancellationToken.None);
            }
        });
    }

    public long Baseline { get; }

    /// <summary>The highest working set seen since the probe started, above <see cref="Baseline"/>.</summary>
    public long PeakGrowth => Interlocked.Read(ref _peak) - Baseline;

    public static WorkingSetProbe Start() => new();

    /// <summary>The working set after full, compacting collections.</summary>
    public static long Settled()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>Stops sampling; <see cref="PeakGrowth"/> keeps what was seen.</summary>
    public async Task StopAsync()
    {
        await _sampling.CancelAsync();
        await _sampler;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _sampling.Dispose();
    }
}
