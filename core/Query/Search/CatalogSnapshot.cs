using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.Core.Query.Search;

/// <summary>
/// One immutable snapshot of what is searched: the catalog, its index (checked against each other) and the vector
/// index over it. Filtered top-k search with a threshold; thread-safe. A reload builds a new instance and swaps it in;
/// disposing the old one releases its mapped index file once the searches still running on it finish.
/// </summary>
public sealed class CatalogSnapshot : IDisposable
{
    private readonly Product[] _productOfRow;
    private readonly Dictionary<string, int> _rowOfId;
    private readonly IDisposable? _storage;
    private readonly byte[]? _imageSha256;
    private readonly RowAttributes _rowAttributes;

    /// <summary>
    /// Searches an index read from index.csv exactly (through its metric head, applied here to every row, when it has
    /// one). Throws <see cref="IndexFormatException"/> when the index holds products the catalog does not.
    /// </summary>
    public CatalogSnapshot(ProductCatalog catalog, IndexFile index)
        : this(catalog, (index ?? throw new ArgumentNullException(nameof(index))).Metadata, index.Path, index.Vectors.Ids, Searched(index), IndexStorage.Csv, null)
    {
    }

    /// <summary>
    /// Searches <paramref name="vectors"/>, whose rows are the products <paramref name="ids"/>, in the space the index
    /// searches (through <paramref name="metadata"/>'s <see cref="IndexMetadata.Projection"/> when it has one, as index.bin
    /// stores them); disposing disposes <paramref name="storage"/>.
    /// </summary>
    public CatalogSnapshot(ProductCatalog catalog, IndexMetadata metadata, string indexPath, IReadOnlyList<string> ids, IVectorIndex vectors, IndexStorage storageKind, IDisposable? storage)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(vectors);
        Catalog = catalog;

        // The per-image hashes as 32 bytes a row, not a dictionary of hex strings: a tenth of the memory at a million rows.
        _imageSha256 = metadata.ImageSha256.Count == ids.Count ? PackHashes(metadata.ImageSha256.Values, ids.Count) : null;
        Index = metadata with { ImageSha256 = new Dictionary<string, string>() };
        IndexPath = indexPath;
        Vectors = vectors;
        Storage = storageKind;
        _storage = storage;
        Calibration = metadata.ScoreCalibration ?? ScoreCalibration.Uncalibrated;
        Projection = metadata.Projection;
        if (Projection is not null && vectors.Dimension != Projection.OutputDimension)
        {
            throw new IndexFormatException($"{indexPath} holds {vectors.Dimension}-d vectors, but its metric head makes {Projection.OutputDimension}-d ones; rebuild the index.");
        }

        _productOfRow = new Product[ids.Count];
        _rowOfId = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (var row = 0; row < _productOfRow.Length; row++)
        {
            var id = ids[row];
            _productOfRow[row] = catalog.Find(id)
                ?? throw new IndexFormatException(
                    $"{indexPath} holds product '{id}', which the catalog {catalog.Path} does not: the index was built from another catalog. Rebuild it with 'build-index build'.");
            _rowOfId[id] = row;
        }

        _rowAttributes = new RowAttributes(_productOfRow);
        Categories = [.. catalog.Products.Select(p => p.Category).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
    }

    public ProductCatalog Catalog { get; }

    /// <summary>The index's metadata, less its per-image hashes (see <see cref="ImageSha256Of"/>).</summary>
    public IndexMetadata Index { get; }

    public string IndexPath { get; }

    /// <summary>What is searched: the embeddings, or their projections when the index has a <see cref="Projection"/>.</summary>
    public IVectorIndex Vectors { get; }

    /// <summary>The index's learned metric head, applied to every query embedding before the scan; null when it has none.</summary>
    public LinearProjection? Projection { get; }

    /// <summary>Where the vectors come from and how they are searched.</summary>
    public IndexStorage Storage { get; }

    /// <summary>The index's cosine → score map; <see cref="ScoreCalibration.Uncalibrated"/> (the clamped cosine) when it has none.</summary>
    public ScoreCalibration Calibration { get; }

    /// <summary>Products that have a vector (a build with <c>--skip-failed</c> may leave some out).</summary>
    public int IndexedCount => _productOfRow.Length;

    /// <summary>Every category of the catalog, sorted.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Whether the catalog file changed since the index was built (rows may then be missing or stale).</summary>
    public bool CatalogChangedSinceBuild => !string.Equals(Catalog.Sha256, Index.CatalogSha256, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads the catalog and the index, checks that the index was made by <paramref name="embedder"/>
    /// (<see cref="IndexMismatchException"/> otherwise) and that it belongs to the catalog. The index comes from
    /// index.bin when that belongs to it (see <see cref="IndexLoadOptions"/>), else from index.csv.
    /// </summary>
    public static CatalogSnapshot Load(string catalogPath, string indexPath, EmbedderIdentity embedder, IndexLoadOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        options ??= new IndexLoadOptions();
        logger ??= NullLogger.Instance;

        // The catalog parses on one core while the metadata is read and the binary index mapped and checked on the others.
        var reading = Task.Run(() => CatalogReader.Read(catalogPath));
        var metadata = IndexMetadata.Read(Path.GetFullPath(indexPath));
        metadata.EnsureCompatibleWith(embedder, Path.GetFullPath(indexPath));
        SearchIndexLoader.EnsureCsvBelongs(indexPath, metadata);
        BinaryIndexFile? binary = null;
        try
        {
            binary = options.UseBinary ? SearchIndexLoader.TryOpenBinary(indexPath, metadata, options, logger) : null;
            var catalog = reading.GetAwaiter().GetResult();
            if (binary is not null)
            {
                var compact = binary.Quantizer is not null && binary.Rows >= options.CompactFromRows;
                return new CatalogSnapshot(
                    catalog, metadata, binary.Path, binary.Ids, binary.CreateSearchIndex(options.Compact, options.CompactFromRows),
                    compact ? IndexStorage.BinaryCompact : IndexStorage.BinaryExact, binary);
            }

            var index = IndexFile.Load(indexPath);
            index.Metadata.EnsureCompatibleWith(embedder, index.Path);
            return new CatalogSnapshot(catalog, index);
        }
        catch
        {
            binary?.Dispose();
            throw;
        }
    }

    /// <summary>A copy of the stored vector of a product, labelled as in the searched space (so <see cref="Search"/> takes it as it is), or null when the product has none.</summary>
    public QueryEmbedding? VectorOf(string id)
    {
        if (!_rowOfId.TryGetValue(id, out var row))
        {
            return null;
        }

        var vector = new float[Vectors.Dimension];
        Vectors.CopyVector(row, vector);
        return QueryEmbedding.Searched(vector);
    }

    /// <summary>Whether the product has a vector in the index (its image was read and embedded when the index was built).</summary>
    public bool IsIndexed(string id) => _rowOfId.ContainsKey(id);

    /// <summary>The SHA-256 of the product's image bytes when the index was built, if it is indexed.</summary>
    public string? ImageSha256Of(string id) =>
        _imageSha256 is not null && _rowOfId.TryGetValue(id, out var row)
            ? Convert.ToHexStringLower(_imageSha256.AsSpan(row * 32, 32))
            : null;

    private static byte[]? PackHashes(IEnumerable<string> hashes, int rows)
    {
        var packed = new byte[rows * 32];
        var row = 0;
        foreach (var hash in hashes)
        {
            if (hash.Length != 64 || Convert.FromHexString(hash, packed.AsSpan(row * 32, 32), out _, out _) != System.Buffers.OperationStatus.Done)
            {
                return null;
            }

            row++;
        }

        return packed;
    }

    /// <summary>
    /// The best <see cref="SearchRequest.TopK"/> products whose calibrated score is at or above the threshold, best
    /// first (by similarity, which is score order since the calibration is monotone; equal similarities in index
    /// order). Each match carries its raw similarity, its calibrated score and the same-product flag. The filter and
    /// the exclusion apply inside the scan, so they never shorten a result that had enough matching products.
    /// </summary>
    /// <param name="query">
    /// A feature vector (<see cref="EmbeddingSpace.Features"/>: the index's embedder's output, or the same computed by a
    /// caller), projected first when the index has a <see cref="Projection"/>; or a vector already in the searched space
    /// (<see cref="EmbeddingSpace.Searched"/>, such as <see cref="VectorOf"/>'s), scanned as it is. Throws
    /// <see cref="ArgumentException"/> when its length is not that of its space.
    /// </param>
    public IReadOnlyList<ProductMatch> Search(QueryEmbedding query, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.TopK);
        if (_productOfRow.Length == 0)
        {
            return [];
        }

        var filter = request.Filter ?? ProductFilter.None;
        var exclude = request.ExcludeId is { } id && _rowOfId.TryGetValue(id, out var excluded) ? excluded : -1;
        var searched = InSearchedSpace(query);
        var hits = Vectors is IFilteredVectorIndex filtered
            ? filtered.Search(searched, request.TopK, filter, exclude)
            : Vectors.Search(searched, request.TopK, _rowAttributes.Predicate(filter, exclude));
        var matches = new List<ProductMatch>(hits.Count);
        foreach (var hit in hits)
        {
            var score = Calibration.Apply(hit.Score);
            if (score < request.Threshold)
            {
                break;
            }

            matches.Add(new ProductMatch(_productOfRow[hit.Row], hit.Score, score, Calibration.IsSameProduct(hit.Score)));
        }

        return matches;
    }

    public void Dispose() => _storage?.Dispose();

    /// <summary>The query in the searched space: a feature vector through the metric head (when there is one), a searched one as it is.</summary>
    private ReadOnlySpan<float> InSearchedSpace(QueryEmbedding query)
    {
        var (expected, space) = query.Space == EmbeddingSpace.Features
            ? (Projection?.InputDimension ?? Vectors.Dimension, "feature vectors")
            : (Vectors.Dimension, "vectors in its searched space");
        if (query.Dimension != expected)
        {
            throw new ArgumentException($"The query is a {query}; this index takes {expected}-d {space}.", nameof(query));
        }

        return query.Space == EmbeddingSpace.Features && Projection is { } head ? head.Apply(query.Vector.Span) : query.Vector.Span;
    }

    private static VectorIndex Searched(IndexFile index) => index.Metadata.Projection is { } head
        ? new VectorIndex(head.ApplyAll(index.Vectors.Rows))
        : new VectorIndex(index.Vectors.Rows);
}
