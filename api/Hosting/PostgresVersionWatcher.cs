using System.Diagnostics;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Postgres;
using ImageSearch.Core.Query.Search;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// The PostgreSQL store's snapshot: at start-up loads the model and the current version (the start stops with a
/// message saying what to do when there is none, or it was built with another model); then checks every
/// <see cref="PostgresStoreOptions.PollInterval"/> which version is current and, when it changed, loads that one and
/// swaps it in atomically. Requests that took the old snapshot finish on it (its table outlives the switch by the
/// publisher's grace period). A version that cannot be loaded is refused with a warning and the old one keeps serving.
/// </summary>
public sealed class PostgresVersionWatcher(
    SearchState state,
    PostgresVectorStore store,
    IOptions<ImageSearchOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<PostgresVersionWatcher> logger) : BackgroundService
{
    private long _loaded = -1;
    private bool _failing;

    /// <summary>The version being served; −1 before start-up loaded one.</summary>
    public long LoadedVersion => Interlocked.Read(ref _loaded);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var stopwatch = Stopwatch.StartNew();
        ImageEmbedder embedder;
        CatalogSnapshot snapshot;
        long version;
        try
        {
            embedder = ImageEmbedder.Create(settings.ToEmbedderOptions(), loggerFactory);
            state.SetEmbedder(embedder);
            version = await store.CurrentVersionAsync(cancellationToken)
                ?? throw new IndexFormatException($"No index is published in the database's schema '{store.Schema}': publish one with 'build-index publish --catalog products.csv --index index.csv'.");
            snapshot = await PostgresSnapshot.LoadAsync(store, version, settings.CatalogPath, embedder.Identity, cancellationToken);
        }
        catch (Exception e) when (e is IndexFormatException or CatalogFormatException or FileNotFoundException or VectorStoreUnavailableException)
        {
            logger.LogCritical("ImageSearch cannot start: {Reason}", e.Message);
            throw new IndexFormatException(e is VectorStoreUnavailableException ? $"{e.Message} ({e.InnerException?.Message})" : e.Message, e);
        }

        state.Publish(snapshot);
        Interlocked.Exchange(ref _loaded, version);
        logger.LogInformation(
            "Loaded PostgreSQL version {Version}: {Products} products ({Indexed} indexed, {Dimension}-d, model {ModelSha}, {Preprocessing}) in {ElapsedMs} ms",
            version, snapshot.Catalog.Count, snapshot.IndexedCount, snapshot.Vectors.Dimension, embedder.Identity.ModelSha256[..12], embedder.Identity.Preprocessing,
            stopwatch.ElapsedMilliseconds);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Postgres.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await CheckAsync(stoppingToken);
        }
    }

    /// <summary>Loads and swaps in the current version if it is not the one served; true when it swapped.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        long? current;
        try
        {
            current = await store.CurrentVersionAsync(ct);
        }
        catch (VectorStoreUnavailableException e)
        {
            if (!_failing)
            {
                logger.LogWarning("Cannot check the current version: {Reason}", e.InnerException?.Message ?? e.Message);
                _failing = true;
            }

            return false;
        }

        if (_failing)
        {
            logger.LogInformation("The vector database answers again");
            _failing = false;
        }

        if (current is not { } version || version == LoadedVersion)
        {
            return false;
        }

        var stopwatch = Stopwatch.StartNew();
        try
        {
            var snapshot = await PostgresSnapshot.LoadAsync(store, version, options.Value.CatalogPath, state.Embedder.Identity, ct);
            state.Publish(snapshot);
            var previous = Interlocked.Exchange(ref _loaded, version);
            logger.LogInformation("Switched from PostgreSQL version {Previous} to {Version} ({Products} products) in {ElapsedMs} ms",
                previous, version, snapshot.Catalog.Count, stopwatch.ElapsedMilliseconds);
            return true;
        }
        catch (Exception e) when (e is IndexFormatException or VectorStoreUnavailableException)
        {
            state.LastReloadFailure = $"PostgreSQL version {version}: {e.Message}";
            logger.LogWarning("PostgreSQL version {Version} is not served; version {Loaded} keeps serving: {Reason}", version, LoadedVersion, e.Message);
            return false;
        }
    }
}
