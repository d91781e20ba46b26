using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Core.Postgres;

/// <summary>
/// What a version is made of: the catalog (every row and column), the index's metadata (model, preprocessing, metric
/// head, calibration, same-product cut, image hashes) and its vectors by row, in the space the service searches (after
/// the metric head).
/// </summary>
/// <param name="Ids">The product of each vector row.</param>
/// <param name="CopyRow">Copies row <c>r</c>'s searched vector (<paramref name="Dimension"/> components).</param>
/// <param name="Storage">What backs <paramref name="CopyRow"/> (a mapped index.bin), disposed with this.</param>
public sealed record PublishSource(ProductCatalog Catalog, IndexMetadata Metadata, IReadOnlyList<string> Ids, int Dimension, Action<int, Span<float>> CopyRow, IDisposable? Storage = null) : IDisposable
{
    /// <summary>
    /// Reads a built index and its catalog, checked as the service checks them: index.bin when it belongs to the
    /// build (its stored vectors are already in the searched space), else index.csv through its metric head.
    /// </summary>
    public static PublishSource Read(string catalogPath, string indexPath, ILogger logger)
    {
        var metadata = IndexMetadata.Read(Path.GetFullPath(indexPath));
        SearchIndexLoader.EnsureCsvBelongs(indexPath, metadata);
        var catalog = CatalogReader.Read(catalogPath);
        if (!string.Equals(catalog.Sha256, metadata.CatalogSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new IndexFormatException($"{catalog.Path} changed since {Path.GetFullPath(indexPath)} was built from it: rebuild the index before publishing, so that the rows and the vectors agree.");
        }

        var binary = SearchIndexLoader.TryOpenBinary(indexPath, metadata, new IndexLoadOptions(), logger);
        if (binary is not null)
        {
            var rows = binary.ExactRows;
            return new PublishSource(catalog, metadata, binary.Ids, binary.Dimension, rows.CopyRow, binary);
        }

        var index = IndexFile.Load(indexPath);
        var dimension = metadata.Projection?.OutputDimension ?? metadata.Dimension;
        var vectors = metadata.Projection is { } head ? head.ApplyAll(index.Vectors.Rows) : index.Vectors.Rows;
        return new PublishSource(catalog, metadata, index.Vectors.Ids, dimension, (row, destination) => vectors.Row(row).CopyTo(destination));
    }

    public void Dispose() => Storage?.Dispose();
}
