using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;

namespace ImageSearch.Tests.Indexing;

public sealed class IndexFileTests
{
    [Test]
    public void Index_round_trips_ids_and_vectors_bit_for_bit()
    {
        var path = TempIndexPath();
        var vectors = new[] { new[] { 0.1f, -0.2f, float.Epsilon, 1f / 3 }, new[] { 0.6f, 0.8f, 0f, -0f } };
        string[] ids = ["plain", "with, comma and \"quotes\""];

        Write(path, ids, vectors);
        var index = IndexFile.Load(path);

        Assert.That(index.Vectors.Ids, Is.EqualTo(ids));
        Assert.That(index.Vectors.Vector(0).ToArray(), Is.EqualTo(vectors[0]));
        Assert.That(index.Vectors.Vector(1).ToArray(), Is.EqualTo(vectors[1]));
        Assert.That(index.Metadata.RowCount, Is.EqualTo(2));
        Assert.That(index.Metadata.ImageSha256["plain"], Is.EqualTo("hash-plain"));
    }

    [Test]
    public void A_very_long_non_ascii_id_round_trips()
    {
        var path = TempIndexPath();
        var id = string.Concat(Enumerable.Repeat("Größe,\"ü\"", 1000));

        Write(path, [id], [[0f, 0f, 1f, 0f]]);

        Assert.That(IndexFile.Load(path).Vectors.Ids.Single(), Is.EqualTo(id));
    }

    [Test]
    public void A_writer_disposed_without_commit_leaves_the_previous_index_untouched()
    {
        var path = TempIndexPath();
        Write(path, ["old"], [[1f, 0f, 0f, 0f]]);
        var before = File.ReadAllBytes(path);

        using (var writer = new IndexCsvWriter(path, 4))
        {
            writer.WriteRow("new", [0f, 1f, 0f, 0f], "hash-new");
        }

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"), Is.Empty);
    }

    [Test]
    public void An_index_and_metadata_from_different_builds_are_refused()
    {
        var path = TempIndexPath();
        Write(path, ["a"], [[1f, 0f, 0f, 0f]]);
        var metadata = File.ReadAllBytes(IndexMetadata.PathFor(path));
        Write(path, ["a", "b"], [[1f, 0f, 0f, 0f], [0f, 1f, 0f, 0f]]);
        File.WriteAllBytes(IndexMetadata.PathFor(path), metadata);

        var error = Assert.Throws<IndexFormatException>(() => IndexFile.Load(path));

        Assert.That(error!.Message, Does.Contain("different builds"));
    }

    [TestCase("id,v0,v1,v2,v3\na,1,0,0\n", "line 2 (id 'a'): 3 component(s), expected 4")]
    [TestCase("id,v0,v1,v2,v3\na,1,0,0,0,5\n", "line 2 (id 'a'): more than 4 components")]
    [TestCase("id,v0,v1,v2,v3\na,1,0,x,0\n", "line 2 (id 'a'): component 2 'x' is not a finite number")]
    [TestCase("id,v0,v1,v2,v3\na,1,0,NaN,0\n", "component 2 'NaN' is not a finite number")]
    [TestCase("name,v0\n", "line 1: the header must start with 'id'")]
    [TestCase("id,v0,v2\n", "line 1: expected column 'v1'")]
    public void Malformed_rows_are_reported_with_their_line(string text, string expected)
    {
        var path = TempIndexPath();
        File.WriteAllText(path, text);

        var error = Assert.Throws<IndexFormatException>(() => IndexCsvReader.Read(path));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void A_file_larger_than_a_read_block_parses_in_order_and_reports_the_right_line()
    {
        // 2,500 rows of 512 components is ~13 MB: more than one 8 MB block, parsed in parallel.
        var path = TempIndexPath();
        var random = new Random(9);
        var rows = Enumerable.Range(0, 2500).Select(_ => Enumerable.Range(0, 512).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray()).ToArray();
        Write(path, [.. Enumerable.Range(0, rows.Length).Select(i => $"p{i}")], rows);

        var index = IndexFile.Load(path);

        Assert.That(index.Vectors.Ids[2499], Is.EqualTo("p2499"));
        Assert.That(index.Vectors.Vector(1234).ToArray(), Is.EqualTo(rows[1234]));
        var lines = File.ReadAllLines(path);
        lines[2400] = lines[2400].Replace(",", ",oops,", StringComparison.Ordinal);
        File.WriteAllText(path, string.Join("\r\n", lines) + "\r\n");
        var error = Assert.Throws<IndexFormatException>(() => IndexCsvReader.Read(path));
        Assert.That(error!.Message, Does.Contain("line 2401 (id 'p2399')"));
    }

    [Test]
    public void A_missing_metadata_file_is_refused_with_advice()
    {
        var path = TempIndexPath();
        File.WriteAllText(path, "id,v0\na,1\n");

        var error = Assert.Throws<IndexFormatException>(() => IndexFile.Load(path));

        Assert.That(error!.Message, Does.Contain("meta.json").And.Contain("build-index build"));
    }

    [Test]
    public void Metadata_refuses_an_embedder_with_another_model_dimension_or_preprocessing()
    {
        var path = TempIndexPath();
        Write(path, ["a"], [[1f, 0f, 0f, 0f]]);
        var metadata = IndexFile.Load(path).Metadata;

        Assert.DoesNotThrow(() => metadata.EnsureCompatibleWith(new EmbedderIdentity(metadata.ModelSha256, metadata.Preprocessing, 4), path));
        Assert.That(Assert.Throws<IndexMismatchException>(() => metadata.EnsureCompatibleWith(new EmbedderIdentity(new string('b', 64), metadata.Preprocessing, 4), path))!.Message,
            Does.Contain("model"));
        Assert.That(Assert.Throws<IndexMismatchException>(() => metadata.EnsureCompatibleWith(new EmbedderIdentity(metadata.ModelSha256, metadata.Preprocessing, 1280), path))!.Message,
            Does.Contain("4-d"));
        Assert.That(Assert.Throws<IndexMismatchException>(() => metadata.EnsureCompatibleWith(new EmbedderIdentity(metadata.ModelSha256, "other", 4), path))!.Message,
            Does.Contain("preprocessing"));
    }

    internal static string TempIndexPath() => Path.Combine(Directory.CreateTempSubdirectory("imagesearch-index-").FullName, "index.csv");

    private static void Write(string path, string[] ids, float[][] vectors) =>
        TestIndexes.Write(path, ids, [.. vectors.SelectMany(v => v)], vectors[0].Length);
}
