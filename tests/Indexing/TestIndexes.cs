using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Indexing;

/// <summary>Writes small indexes by hand (row-major vectors), with made-up but well-formed metadata.</summary>
internal static class TestIndexes
{
    /// <summary>The identity of the made-up embedder these indexes claim to come from.</summary>
    public static EmbedderIdentity Embedder(int dimension) => new(new string('a', 64), "test", dimension);

    /// <summary>
    /// Writes index.csv and its metadata, and, when <paramref name="binaryCoarseDimension"/> is given, index.bin too
    /// (with compact codes on that many axes, or none for 0), recorded in the metadata like a build does.
    /// </summary>
    public static void Write(string path, string[] ids, float[] vectors, int dimension, ScoreCalibration? calibration = null, int? binaryCoarseDimension = null, LinearProjection? projection = null)
    {
        BinaryIndexDraft? binary = null;
        if (binaryCoarseDimension is { } coarse)
        {
            var rows = new VectorRows(vectors, ids.Length, dimension);
            var quantizer = coarse > 0 ? VectorQuantizer.Train(rows) : null;
            binary = BinaryIndexWriter.Write(BinaryIndexWriter.PathFor(path), ids, rows, quantizer, coarse);
            binary.Commit();
        }

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
            BinaryBytes = binary?.Length,
            BinaryChecksum = binary?.Checksum.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
        });
        binary?.Dispose();
    }
}
