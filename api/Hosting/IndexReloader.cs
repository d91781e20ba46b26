using System.Diagnostics;
using System.Threading.Channels;
using ImageSearch.Api.Diagnostics;
using ImageSearch.Core.Query.Search;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Hot reload: watches the folders of the index and the catalog (and, as a fallback for events a watcher misses
/// — network file systems, overflowing buffers — compares the files' length and modification time every
/// <see cref="ReloadOptions.PollInterval"/>). After <see cref="ReloadOptions.Debounce"/> of quiet it loads the
/// catalog and the index together in the background, checks them as start-up does, and swaps the new snapshot in
/// atomically; requests that took the old snapshot finish on it. A broken, mismatched or half-replaced pair is
/// refused with a logged warning and the old snapshot keeps serving; it is tried again on the next change.
/// </summary>
public sealed class IndexReloader(
    SearchState state,
    IOptions<ImageSearchOptions> options,
    ILogger<IndexReloader> logger,
    SearchTelemetry? telemetry = null) : BackgroundService
{
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly List<FileSystemWatcher> _watchers = [];
    private volatile FileSignature? _loaded;
    private volatile FileSignature? _refused;

    /// <summary>Reloads that swapped in a new snapshot.</summary>
    public int Reloads { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Reload.Enabled || settings.Store != SearchStoreKind.Embedded)
        {
            return Task.CompletedTask;
        }

        // The start-up loader has just loaded these files (a change in between is caught by the first poll).
        _loaded = FileSignature.Of(settings.IndexPath, settings.CatalogPath);
        var index = Path.GetFullPath(settings.IndexPath);
        var catalog = Path.GetFullPath(settings.CatalogPath);
        string[] names = [Path.GetFileName(index), Path.GetFileName(Core.Query.Index.IndexMetadata.PathFor(index)), Path.GetFileName(catalog)];
        foreach (var folder in new[] { Path.GetDirectoryName(index)!, Path.GetDirectoryName(catalog)! }.Distinct(StringComparer.Ordinal))
        {
            var watcher = new FileSystemWatcher(folder)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            void OnEvent(string? name)
            {
                if (name is not null && names.Contains(name, StringComparer.Ordinal))
                {
                    _changes.Writer.TryWrite(true);
                }
            }

            watcher.Changed += (_, e) => OnEvent(e.Name);
            watcher.Created += (_, e) => OnEvent(e.Name);
            watcher.Deleted += (_, e) => OnEvent(e.Name);
            watcher.Renamed += (_, e) =>
            {
                OnEvent(e.Name);
                OnEvent(e.OldName);
            };
            watcher.Error += (_, e) =>
            {
                logger.LogWarning("The index folder watcher failed ({Reason}); checking the files now", e.GetException().Message);
                _changes.Writer.TryWrite(true);
            };
            watcher.EnableRaisingEvents = true;
            lock (_watchers)
            {
                _watchers.Add(watcher);
            }
        }

        logger.LogInformation("Watching {Index} and {Catalog} for changes (debounce {Debounce}, periodic check every {Poll})",
            index, catalog, settings.Reload.Debounce, settings.Reload.PollInterval);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        DisposeWatchers();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var poll = settings.Reload.PollInterval > TimeSpan.Zero
            ? Task.Run(() => PollAsync(settings.Reload.PollInterval, stoppingToken), CancellationToken.None)
            : Task.CompletedTask;
        try
        {
            var reader = _changes.Reader;
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                // Debounce: wait until the files have been quiet for a while (a build renames index.csv, then its metadata).
                do
                {
                    while (reader.TryRead(out _))
                    {
                    }

                    await Task.Delay(settings.Reload.Debounce, stoppingToken);
                }
                while (reader.TryPeek(out _));

                await Task.Run(() => TryReload(settings), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await poll;
    }

    /// <summary>Loads the files if they differ from the loaded ones and from the last refused ones; true when it swapped.</summary>
    internal bool TryReload(ImageSearchOptions settings)
    {
        var signature = FileSignature.Of(settings.IndexPath, settings.CatalogPath);
        if (signature == _loaded || signature == _refused)
        {
            return false;
        }

        var stopwatch = Stopwatch.StartNew();
        var current = state.Snapshot;
        try
        {
            var snapshot = CatalogSnapshot.Load(settings.CatalogPath, settings.IndexPath, state.Embedder.Identity, settings.Index, logger);
            var previous = state.Publish(snapshot);
            if (previous is not null)
            {
                // Searches that took the old snapshot keep it alive; its file mapping goes once they are done.
                _ = Task.Delay(settings.Reload.ReleaseDelay).ContinueWith(_ => previous.Dispose(), TaskScheduler.Default);
            }

            _loaded = signature;
            _refused = null;
            Reloads++;
            telemetry?.RecordReload(succeeded: true);
            logger.LogInformation(
                "Reloaded {Products} products ({Indexed} indexed) with the index built at {BuiltAt} in {ElapsedMs} ms; the index built at {PreviousBuiltAt} is released",
                snapshot.Catalog.Count, snapshot.IndexedCount, snapshot.Index.BuiltAt, stopwatch.ElapsedMilliseconds, current.Index.BuiltAt);
            if (snapshot.CatalogChangedSinceBuild)
            {
                logger.LogWarning(
                    "The catalog {CatalogPath} changed since the index {IndexPath} was built ({BuiltAt}); new or changed products are not searchable until the index is rebuilt.",
                    snapshot.Catalog.Path, snapshot.IndexPath, snapshot.Index.BuiltAt);
            }

            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _refused = signature;
            // Logged before /stats shows it, so whoever sees the failure there finds it in the log too.
            logger.LogWarning(
                "Reload refused, still serving the index built at {BuiltAt}: {Reason} (tried again when the files change)",
                current.Index.BuiltAt, e.Message);
            state.LastReloadFailure = e.Message;
            telemetry?.RecordReload(succeeded: false);
            return false;
        }
    }

    private async Task PollAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var settings = options.Value;
                var signature = FileSignature.Of(settings.IndexPath, settings.CatalogPath);
                if (signature != _loaded && signature != _refused)
                {
                    _changes.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        DisposeWatchers();
        base.Dispose();
    }

    private void DisposeWatchers()
    {
        FileSystemWatcher[] watchers;
        lock (_watchers)
        {
            watchers = [.. _watchers];
            _watchers.Clear();
        }

        foreach (var watcher in watchers)
        {
            watcher.Dispose();
        }
    }

    /// <summary>Length and last write time of the index, its metadata and the catalog: what a replacement changes.</summary>
    internal sealed record FileSignature(string Value)
    {
        public static FileSignature Of(string indexPath, string catalogPath) => new(string.Join(
            '|',
            new[] { indexPath, Core.Query.Index.IndexMetadata.PathFor(indexPath), catalogPath }.Select(path =>
            {
                var file = new FileInfo(path);
                return file.Exists ? $"{file.Length}@{file.LastWriteTimeUtc.Ticks}" : "missing";
            })));
    }
}
