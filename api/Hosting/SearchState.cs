using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Search;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// The loaded model and the current search snapshot (catalog + index). The snapshot is immutable and replaced
/// whole (<see cref="Publish"/>), so a request that took it keeps one consistent snapshot even if a reload swaps it;
/// the previous snapshot is referenced by nothing here after a swap and is collected once its last request ends.
/// </summary>
public sealed class SearchState : IDisposable
{
    private ImageEmbedder? _embedder;
    private LoadedSnapshot? _current;
    private string? _lastReloadFailure;

    /// <summary>Whether the model and an index are loaded.</summary>
    public bool IsReady => ModelLoaded && IndexLoaded;

    public bool ModelLoaded => Volatile.Read(ref _embedder) is not null;

    public bool IndexLoaded => Volatile.Read(ref _current) is not null;

    /// <summary>
    /// The embedder (its model file, preprocessing and output are what <c>GET /model</c> describes); throws
    /// <see cref="InvalidOperationException"/> before start-up has loaded it.
    /// </summary>
    public ImageEmbedder Embedder => Volatile.Read(ref _embedder) ?? throw new InvalidOperationException("The model is not loaded yet.");

    /// <summary>Take it once per request and use that instance throughout.</summary>
    public CatalogSnapshot Snapshot => Current.Service;

    /// <summary>The snapshot with the time it was loaded, read together.</summary>
    public LoadedSnapshot Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("The index is not loaded yet.");

    public DateTimeOffset? LoadedAt => Volatile.Read(ref _current)?.LoadedAt;

    /// <summary>Why the newest index or catalog on disk was refused, while the loaded one keeps serving; null after a good load.</summary>
    public string? LastReloadFailure
    {
        get => Volatile.Read(ref _lastReloadFailure);
        internal set => Volatile.Write(ref _lastReloadFailure, value);
    }

    internal void SetEmbedder(ImageEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        Interlocked.Exchange(ref _embedder, embedder)?.Dispose();
    }

    /// <summary>Swaps in a new snapshot atomically; returns the previous one.</summary>
    public CatalogSnapshot? Publish(CatalogSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var previous = Interlocked.Exchange(ref _current, new LoadedSnapshot(snapshot, DateTimeOffset.UtcNow));
        LastReloadFailure = null;
        return previous?.Service;
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _embedder, null)?.Dispose();
        Interlocked.Exchange(ref _current, null)?.Service.Dispose();
    }
}

/// <summary>A search snapshot and when this process loaded it.</summary>
public sealed record LoadedSnapshot(CatalogSnapshot Service, DateTimeOffset LoadedAt);
