using ImageSearch.Core.Embedding;
using ImageSearch.Core.Search;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// The loaded model and the current search snapshot (catalog + index). The snapshot is immutable and replaced
/// whole (<see cref="Publish"/>), so a request that took it keeps one consistent view even if a reload swaps it.
/// </summary>
public sealed class SearchState : IDisposable
{
    private ImageEmbedder? _embedder;
    private CatalogSearchService? _snapshot;

    /// <summary>Whether the model and an index are loaded.</summary>
    public bool IsReady => ModelLoaded && IndexLoaded;

    public bool ModelLoaded => Volatile.Read(ref _embedder) is not null;

    public bool IndexLoaded => Volatile.Read(ref _snapshot) is not null;

    /// <summary>The embedder; throws <see cref="InvalidOperationException"/> before start-up has loaded it.</summary>
    public IImageEmbedder Embedder => Volatile.Read(ref _embedder) ?? throw new InvalidOperationException("The model is not loaded yet.");

    /// <summary>Take it once per request and use that instance throughout.</summary>
    public CatalogSearchService Snapshot => Volatile.Read(ref _snapshot) ?? throw new InvalidOperationException("The index is not loaded yet.");

    public DateTimeOffset? LoadedAt { get; private set; }

    internal void SetEmbedder(ImageEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        Interlocked.Exchange(ref _embedder, embedder)?.Dispose();
    }

    /// <summary>Swaps in a new snapshot atomically; returns the previous one.</summary>
    public CatalogSearchService? Publish(CatalogSearchService snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var previous = Interlocked.Exchange(ref _snapshot, snapshot);
        LoadedAt = DateTimeOffset.UtcNow;
        return previous;
    }

    public void Dispose() => Interlocked.Exchange(ref _embedder, null)?.Dispose();
}
