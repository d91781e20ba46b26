using System.Buffers;
using System.Globalization;
using System.Text;
using ImageSearch.Core.IO;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// Writes <c>index.csv</c> (see docs/index-format.md) and its metadata atomically: nothing is visible at the target
/// path until <see cref="Commit"/>, and disposing without committing leaves the previous index untouched.
/// </summary>
public sealed class IndexCsvWriter : IDisposable
{
    private readonly AtomicFile _file;
    private readonly int _dimension;
    private byte[] _line;
    private readonly Dictionary<string, string> _imageSha256 = new(StringComparer.Ordinal);

    public IndexCsvWriter(string path, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        _dimension = dimension;
        _file = AtomicFile.Create(path);
        // id (quoted, escaped) + 1280 x (comma + up to 15 chars of a round-trip float) + newline; grown for long ids
        _line = new byte[256 + dimension * 16];
        var header = new StringBuilder("id");
        for (var i = 0; i < dimension; i++)
        {
            header.Append(CultureInfo.InvariantCulture, $",v{i}");
        }

        _file.Stream.Write(Encoding.UTF8.GetBytes(header.Append('\n').ToString()));
    }

    public string Path => _file.Path;

    public int RowCount => _imageSha256.Count;

    /// <summary>Appends one product's vector, written with round-trip precision.</summary>
    public void WriteRow(string id, ReadOnlySpan<float> vector, string imageSha256)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (vector.Length != _dimension)
        {
            throw new ArgumentException($"Expected {_dimension} components, got {vector.Length}.", nameof(vector));
        }

        if (!_imageSha256.TryAdd(id, imageSha256))
        {
            throw new ArgumentException($"Duplicate id '{id}'.", nameof(id));
        }

        var needed = 3 + 2 * Encoding.UTF8.GetMaxByteCount(id.Length) + _dimension * 16;
        if (_line.Length < needed)
        {
            _line = new byte[needed];
        }

        var line = _line.AsSpan();
        var length = WriteId(id, line);
        foreach (var value in vector)
        {
            line[length++] = (byte)',';
            if (!value.TryFormat(line[length..], out var written, "R", CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException("A vector component did not fit its buffer.");
            }

            length += written;
        }

        line[length++] = (byte)'\n';
        _file.Stream.Write(line[..length]);
    }

    /// <summary>Makes the index visible: flushes it, renames it over the target, then writes its metadata the same way.</summary>
    public IndexMetadata Commit(Func<long, IReadOnlyDictionary<string, string>, IndexMetadata> describe)
    {
        ArgumentNullException.ThrowIfNull(describe);
        _file.Stream.Flush();
        var metadata = describe(_file.Stream.Length, _imageSha256);
        if (metadata.RowCount != RowCount || metadata.Dimension != _dimension)
        {
            throw new InvalidOperationException("The metadata does not describe the rows written.");
        }

        _file.Commit();
        AtomicFile.WriteAllBytes(IndexMetadata.PathFor(Path), metadata.ToJson());
        return metadata;
    }

    public void Dispose() => _file.Dispose();

    private static int WriteId(string id, Span<byte> line)
    {
        var needsQuotes = id.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (!needsQuotes)
        {
            return Encoding.UTF8.GetBytes(id, line);
        }

        var escaped = "\"" + id.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return Encoding.UTF8.GetBytes(escaped, line);
    }
}
