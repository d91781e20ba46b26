using ImageSearch.Core.Embedding;
using ImageSearch.Core.Indexing;
using ImageSearch.Core.Search;

namespace ImageSearch.Tests.Indexing;

/// <summary>Writes small indexes by hand (row-major vectors), with made-up but well-formed metadata.</summary>
internal static class TestIndexes
{
    public static void Write(string path, string[] ids, float[] vectors, int dimension, ScoreCalibration? calibration = null, LinearProjection? projection = null)
    {
        using var writer = new IndexCsvWriter(path, dimension);
        for (var i = 0; i < ids.Length; i++)
        {
            writer.WriteRow(ids[i], vectors.AsSpan(i * dimension, dimension), "hash-" + ids[i]);
        }

        writer.Commit((bytes, hashes) => new IndexMetadata
        {
            ModelSha256 = new string('a', 64),
            Preprocessing = "test",
            Dimension = dimension,
            RowCount = hashes.Count,
            CatalogSha256 = new string('c', 64),
            CatalogPath = "products.csv",
            BuiltAt = DateTimeOffset.UnixEpoch,
            IndexBytes = bytes,
            ImageSha256 = hashes,
            ScoreCalibration = calibration,
            Projection = projection,
        });
    }
}
