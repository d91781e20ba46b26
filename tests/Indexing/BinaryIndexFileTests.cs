using System.Globalization;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using ImageSearch.Tests.Search;
using ImageSearch.Core.Query.Embedding;

namespace ImageSearch.Tests.Indexing;

public sealed class BinaryIndexFileTests
{
    private const int Dimension = 48;
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("binary-index-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Ids_vectors_and_codes_come_back_as_written()
    {
        var (path, ids, vectors) = WriteIndex(rows: 500, coarse: 12);

        using var binary = BinaryIndexFile.Open(BinaryIndexWriter.PathFor(path));

        Assert.That(binary.Ids, Is.EqualTo(ids));
        Assert.That((binary.Rows, binary.Dimension, binary.CoarseDimension), Is.EqualTo((500, Dimension, 12)));
        var row = new float[Dimension];
        binary.ExactRows.CopyRow(321, row);
        Assert.That(row, Is.EqualTo(vectors.AsSpan(321 * Dimension, Dimension).ToArray()));
        Assert.That(binary.Quantizer, Is.Not.Null);
        Assert.That((binary.CoarseCodes!.Width, binary.ResidualCodes!.Width), Is.EqualTo((12, Dimension - 12)));
    }

    [Test]
    public void Rows_read_after_a_prefetch_are_the_rows_written()
    {
        var (path, _, vectors) = WriteIndex(rows: 500, coarse: 12);
        using var binary = BinaryIndexFile.Open(BinaryIndexWriter.PathFor(path));

        binary.ExactRows.Prefetch([499, 3, 250]);

        var row = new float[Dimension];
        foreach (var index in new[] { 499, 3, 250 })
        {
            binary.ExactRows.CopyRow(index, row);
            Assert.That(row, Is.EqualTo(vectors.AsSpan(index * Dimension, Dimension).ToArray()));
        }
    }

    [Test]
    public void Ids_in_any_script_survive()
    {
        string[] ids = ["ü-1", "商品-2", "🙂"];
        var path = Path.Combine(_folder, "index.csv");
        TestIndexes.Write(path, ids, SyntheticVectors.Uniform(3, Dimension, seed: 1), Dimension, binaryCoarseDimension: 0);

        using var binary = BinaryIndexFile.Open(BinaryIndexWriter.PathFor(path));

        Assert.That(binary.Ids, Is.EqualTo(ids));
        Assert.That(binary.Quantizer, Is.Null);
    }

    [TestCase("CoarseCodes")]
    [TestCase("ResidualCodes")]
    [TestCase("RowChecksums")]
    [TestCase("Ids")]
    public void A_flipped_byte_in_any_section_is_caught_on_opening_and_named(string section)
    {
        var (path, _, _) = WriteIndex(rows: 300, coarse: 8);
        var binaryPath = BinaryIndexWriter.PathFor(path);
        FlipByte(binaryPath, SectionOffset(binaryPath, Enum.Parse<BinaryIndexSection>(section)) + 5);

        var error = Assert.Throws<IndexFormatException>(() => BinaryIndexFile.Open(binaryPath).Dispose());
        Assert.That(error!.Message, Does.Contain("damaged").And.Contain(section));
    }

    [Test]
    public void A_flipped_vector_byte_in_a_file_without_codes_is_caught_on_opening()
    {
        var (path, _, _) = WriteIndex(rows: 300, coarse: 0);
        var binaryPath = BinaryIndexWriter.PathFor(path);
        FlipByte(binaryPath, SectionOffset(binaryPath, BinaryIndexSection.Vectors) + 5);

        var error = Assert.Throws<IndexFormatException>(() => BinaryIndexFile.Open(binaryPath).Dispose());
        Assert.That(error!.Message, Does.Contain("damaged").And.Contain("Vectors"));
    }

    [Test]
    public void With_codes_a_flipped_vector_byte_is_caught_when_its_row_is_read_not_on_opening()
    {
        var (path, _, vectors) = WriteIndex(rows: 300, coarse: 8);
        var binaryPath = BinaryIndexWriter.PathFor(path);
        var rowBytes = Dimension * sizeof(float);
        FlipByte(binaryPath, SectionOffset(binaryPath, BinaryIndexSection.Vectors) + (7 * rowBytes) + 5);

        using var binary = BinaryIndexFile.Open(binaryPath);

        var row = new float[Dimension];
        binary.ExactRows.CopyRow(6, row);
        Assert.That(row, Is.EqualTo(vectors.AsSpan(6 * Dimension, Dimension).ToArray()));
        var error = Assert.Throws<IndexFormatException>(() => binary.ExactRows.CopyRow(7, row));
        Assert.That(error!.Message, Does.Contain("damaged").And.Contain("row 8 (p7)"));
    }

    [Test]
    public void A_compact_search_that_rescores_a_damaged_row_fails_with_an_index_error()
    {
        var (path, _, vectors) = WriteIndex(rows: 3000, coarse: 12);
        var binaryPath = BinaryIndexWriter.PathFor(path);
        var rowBytes = Dimension * sizeof(float);
        FlipByte(binaryPath, SectionOffset(binaryPath, BinaryIndexSection.Vectors) + (42 * rowBytes) + 5);
        using var binary = BinaryIndexFile.Open(binaryPath);
        var index = binary.CreateSearchIndex(new CompactSearchOptions { CoarseCandidates = 500, ExactCandidates = 200 }, compactFromRows: 1000);

        var error = Assert.Throws<IndexFormatException>(() => index.Search(vectors.AsSpan(42 * Dimension, Dimension), 10));
        Assert.That(error!.Message, Does.Contain("row 43 (p42)"));
    }

    [Test]
    public void With_codes_a_flipped_vector_byte_is_caught_before_an_exact_scan_maps_the_vectors()
    {
        var (path, _, _) = WriteIndex(rows: 300, coarse: 8);
        var binaryPath = BinaryIndexWriter.PathFor(path);
        FlipByte(binaryPath, SectionOffset(binaryPath, BinaryIndexSection.Vectors) + 5);
        using var binary = BinaryIndexFile.Open(binaryPath);

        var error = Assert.Throws<IndexFormatException>(() => binary.CreateSearchIndex(new CompactSearchOptions(), compactFromRows: int.MaxValue));
        Assert.That(error!.Message, Does.Contain("damaged").And.Contain("Vectors"));
    }

    [Test]
    public void Without_vector_checks_a_damaged_row_is_not_reported()
    {
        var (path, _, _) = WriteIndex(rows: 300, coarse: 8);
        var binaryPath = BinaryIndexWriter.PathFor(path);
        FlipByte(binaryPath, SectionOffset(binaryPath, BinaryIndexSection.Vectors) + 5);

        using var binary = BinaryIndexFile.Open(binaryPath, verifyVectors: false);

        Assert.DoesNotThrow(() => binary.ExactRows.CopyRow(0, new float[Dimension]));
    }

    [Test]
    public void A_truncated_file_is_refused()
    {
        var (path, _, _) = WriteIndex(rows: 100, coarse: 8);
        var binaryPath = BinaryIndexWriter.PathFor(path);
        using (var stream = File.OpenWrite(binaryPath))
        {
            stream.SetLength(stream.Length - 1000);
        }

        var error = Assert.Throws<IndexFormatException>(() => BinaryIndexFile.Open(binaryPath).Dispose());
        Assert.That(error!.Message, Does.Contain("truncated"));
    }

    [Test]
    public void A_file_that_is_not_a_binary_index_is_refused()
    {
        var path = Path.Combine(_folder, "index.bin");
        File.WriteAllText(path, "id,v0,v1\na,0.5,0.5\n");

        var error = Assert.Throws<IndexFormatException>(() => BinaryIndexFile.Open(path).Dispose());
        Assert.That(error!.Message, Does.Contain("not an ImageSearch binary index"));
    }

    [Test]
    public void The_search_service_maps_the_binary_and_finds_what_the_csv_finds()
    {
        var (path, ids, vectors) = WriteIndex(rows: 3000, coarse: 12);
        var catalog = WriteCatalog(ids);
        var query = QueryEmbedding.Features(vectors.AsSpan(10 * Dimension, Dimension).ToArray());

        using var fromBinary = CatalogSnapshot.Load(catalog, path, TestIndexes.Embedder(Dimension), new IndexLoadOptions { CompactFromRows = 1000 });
        using var fromCsv = CatalogSnapshot.Load(catalog, path, TestIndexes.Embedder(Dimension), new IndexLoadOptions { UseBinary = false });

        Assert.That(fromBinary.Storage, Is.EqualTo(IndexStorage.BinaryCompact));
        Assert.That(fromCsv.Storage, Is.EqualTo(IndexStorage.Csv));
        var request = new SearchRequest(10, 0f);
        Assert.That(fromBinary.Search(query, request).Select(m => (m.Product.Id, m.Similarity)),
            Is.EqualTo(fromCsv.Search(query, request).Select(m => (m.Product.Id, m.Similarity))));
        Assert.That(fromBinary.VectorOf(ids[7])!.Vector.ToArray(), Is.EqualTo(vectors.AsSpan(7 * Dimension, Dimension).ToArray()));
    }

    [Test]
    public void Below_the_compact_threshold_the_binary_is_searched_exactly()
    {
        var (path, ids, _) = WriteIndex(rows: 300, coarse: 12);

        using var service = CatalogSnapshot.Load(WriteCatalog(ids), path, TestIndexes.Embedder(Dimension));

        Assert.That(service.Storage, Is.EqualTo(IndexStorage.BinaryExact));
    }

    [Test]
    public void A_binary_from_another_build_is_ignored_and_the_csv_is_read()
    {
        var (path, ids, _) = WriteIndex(rows: 300, coarse: 12);
        var other = Path.Combine(_folder, "other", "index.csv");
        TestIndexes.Write(other, ids, SyntheticVectors.Uniform(300, Dimension, seed: 99), Dimension, binaryCoarseDimension: 12);
        File.Copy(BinaryIndexWriter.PathFor(other), BinaryIndexWriter.PathFor(path), overwrite: true);

        using var service = CatalogSnapshot.Load(WriteCatalog(ids), path, TestIndexes.Embedder(Dimension));

        Assert.That(service.Storage, Is.EqualTo(IndexStorage.Csv));
    }

    [Test]
    public void A_search_after_the_service_is_disposed_fails_cleanly()
    {
        var (path, ids, vectors) = WriteIndex(rows: 300, coarse: 12);
        var service = CatalogSnapshot.Load(WriteCatalog(ids), path, TestIndexes.Embedder(Dimension));

        service.Dispose();

        Assert.Throws<ObjectDisposedException>(() => service.Search(QueryEmbedding.Features(vectors[..Dimension]), new SearchRequest(5, 0f)));
    }

    private (string Path, string[] Ids, float[] Vectors) WriteIndex(int rows, int coarse)
    {
        var path = Path.Combine(_folder, "index.csv");
        var ids = Enumerable.Range(0, rows).Select(i => "p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var vectors = SyntheticVectors.Clustered(rows, Dimension, clusters: 20, noise: 0.5f, seed: rows);
        TestIndexes.Write(path, ids, vectors, Dimension, binaryCoarseDimension: coarse);
        return (path, ids, vectors);
    }

    private string WriteCatalog(string[] ids)
    {
        var path = Path.Combine(_folder, "products.csv");
        File.WriteAllLines(path, ["id,name,category,price,image_url", .. ids.Select(id => $"{id},Item {id},Things,1.00,images/{id}.jpg")]);
        return path;
    }

    private static long SectionOffset(string path, BinaryIndexSection kind)
    {
        var bytes = File.ReadAllBytes(path);
        var count = BitConverter.ToInt32(bytes, 12);
        for (var i = 0; i < count; i++)
        {
            var entry = 64 + (i * 32);
            if (BitConverter.ToUInt32(bytes, entry) == (uint)kind)
            {
                return BitConverter.ToInt64(bytes, entry + 8);
            }
        }

        throw new AssertionException($"No {kind} section.");
    }

    private static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x40));
    }
}
