using ImageSearch.Core.Catalog;
using ImageSearch.Core.Embedding;
using ImageSearch.Core.Indexing;

namespace ImageSearch.Core.Search;

/// <summary>
/// One immutable snapshot of what is searched: the catalog, its index (checked against each other) and the vector
/// index over it. Filtered top-k search with a threshold; thread-safe. A reload builds a new instance and swaps it in.
/// </summary>
public sealed class CatalogSearchService
{
    private readonly Product[] _productOfRow;
    private readonly Dictionary<string, int> _rowOfId;
    private readonly float[] _embeddings;
    private readonly int _embeddingDimension;

    /// <summary>Throws <see cref="IndexFormatException"/> when the index holds products the catalog does not.</summary>
    public CatalogSearchService(ProductCatalog catalog, IndexFile index)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(index);
        Catalog = catalog;
        Index = index.Metadata;
        IndexPath = index.Path;
        _embeddings = index.Vectors.Vectors;
        _embeddingDimension = index.Vectors.Dimension;
        Projection = index.Metadata.Projection;
        Vectors = Projection is null
            ? new VectorIndex(_embeddings, _embeddingDimension)
            : new VectorIndex(Projection.ApplyAll(_embeddings), Projection.OutputDimension);
        Calibration = index.Metadata.ScoreCalibration ?? ScoreCalibration.Uncalibrated;
        _productOfRow = new Product[index.Vectors.Count];
        _rowOfId = new Dictionary<string, int>(index.Vectors.Count, StringComparer.Ordinal);
        for (var row = 0; row < _productOfRow.Length; row++)
        {
            var id = index.Vectors.Ids[row];
            _productOfRow[row] = catalog.Find(id)
                ?? throw new IndexFormatException(
                    $"{index.Path} holds product '{id}', which the catalog {catalog.Path} does not: the index was built from another catalog. Rebuild it with 'build-index build'.");
            _rowOfId[id] = row;
        }

        Categories = [.. catalog.Products.Select(p => p.Category).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];
    }

    public ProductCatalog Catalog { get; }

    public IndexMetadata Index { get; }

    public string IndexPath { get; }

    /// <summary>What is searched: the stored embeddings, or their projections when the index has a <see cref="Projection"/>.</summary>
    public VectorIndex Vectors { get; }

    /// <summary>The index's learned metric head, applied to the catalog's embeddings at load and to every query; null when it has none.</summary>
    public LinearProjection? Projection { get; }

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
    /// (<see cref="IndexMismatchException"/> otherwise) and that it belongs to the catalog.
    /// </summary>
    public static CatalogSearchService Load(string catalogPath, string indexPath, EmbedderIdentity embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var index = IndexFile.Load(indexPath);
        index.Metadata.EnsureCompatibleWith(embedder, index.Path);
        return new CatalogSearchService(CatalogReader.Read(catalogPath), index);
    }

    /// <summary>The stored embedding of a product (what the embedder made of its image), or an empty span when the product has none.</summary>
    public ReadOnlySpan<float> VectorOf(string id) =>
        _rowOfId.TryGetValue(id, out var row) ? _embeddings.AsSpan(row * _embeddingDimension, _embeddingDimension) : ReadOnlySpan<float>.Empty;

    /// <summary>The SHA-256 of the product's image bytes when the index was built, if it is indexed.</summary>
    public string? ImageSha256Of(string id) => Index.ImageSha256.GetValueOrDefault(id);

    /// <summary>
    /// The best <see cref="SearchRequest.TopK"/> products whose calibrated score is at or above the threshold, best
    /// first (by similarity, which is score order since the calibration is monotone; equal similarities in index
    /// order). Each match carries its raw similarity, its calibrated score and the same-product flag. The filter and
    /// the exclusion apply inside the scan, so they never shorten a result that had enough matching products.
    /// </summary>
    /// <param name="query">An embedding from the index's embedder (or <see cref="VectorOf"/>); projected first when the index has a <see cref="Projection"/>.</param>
    public IReadOnlyList<ProductMatch> Search(ReadOnlySpan<float> query, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.TopK);
        if (_productOfRow.Length == 0)
        {
            return [];
        }

        var filter = request.Filter ?? ProductFilter.None;
        var exclude = request.ExcludeId is { } id && _rowOfId.TryGetValue(id, out var excluded) ? excluded : -1;
        Func<int, bool>? include = filter.IsEmpty && exclude < 0
            ? null
            : row => row != exclude && filter.Matches(_productOfRow[row]);
        var hits = Vectors.Search(Projection is null ? query : Projection.Apply(query), request.TopK, include);
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
}
