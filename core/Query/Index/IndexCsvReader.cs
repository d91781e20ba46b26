using System.Globalization;
using System.Text;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// Parses <c>index.csv</c> straight from UTF-8 bytes into one contiguous row-major matrix, without a string per field.
/// Every problem is reported with its line number.
/// </summary>
public static class IndexCsvReader
{
    private const int BlockSize = 8 << 20;
    private const int RowsPerTask = 64;

    public static StoredVectors Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads blocks of whole lines (8 MB at a time, so memory stays bounded whatever the file's size) and parses each
    /// block's rows on all cores, into their places in the matrix.
    /// </summary>
    public static StoredVectors Read(Stream stream, string path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[BlockSize];
        int filled = 0, line = 0, dimension = -1, rows = 0;
        var eof = false;
        var ids = new List<string>();
        var matrix = Array.Empty<float>();
        var lines = new List<(int Start, int Length, int Line)>();
        while (true)
        {
            while (!eof && filled < buffer.Length)
            {
                var read = stream.Read(buffer, filled, buffer.Length - filled);
                eof = read == 0;
                filled += read;
            }

            if (filled == 0)
            {
                break;
            }

            var lastNewline = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n');
            if (lastNewline < 0 && !eof)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // one line longer than a block
                continue;
            }

            var usable = eof ? filled : lastNewline + 1;
            lines.Clear();
            for (var position = 0; position < usable;)
            {
                var newline = buffer.AsSpan(position, usable - position).IndexOf((byte)'\n');
                var length = newline < 0 ? usable - position : newline;
                line++;
                if (buffer.AsSpan(position, length).TrimEnd((byte)'\r').Length > 0 || line == 1)
                {
                    lines.Add((position, length, line));
                }

                position += length + 1;
            }

            var first = 0;
            if (dimension < 0 && lines.Count > 0)
            {
                dimension = ParseHeader(buffer.AsSpan(lines[0].Start, lines[0].Length).TrimEnd((byte)'\r'), path);
                first = 1;
            }

            var count = lines.Count - first;
            if (count > 0)
            {
                if ((long)(rows + count) * dimension > matrix.Length)
                {
                    Array.Resize(ref matrix, (int)Math.Min(Array.MaxLength, Math.Max((long)(rows + count) * dimension, 2L * matrix.Length)));
                }

                ids.AddRange(ParseRows(buffer, lines, first, count, matrix, rows, dimension, path));
                rows += count;
            }

            buffer.AsSpan(usable, filled - usable).CopyTo(buffer);
            filled -= usable;
            if (eof && filled == 0)
            {
                break;
            }
        }

        if (dimension < 0)
        {
            throw new IndexFormatException($"{path} is empty; expected a header 'id,v0,v1,...'.");
        }

        Array.Resize(ref matrix, rows * dimension);
        return new StoredVectors(ids, new VectorRows(matrix, rows, dimension));
    }

    private static string[] ParseRows(byte[] buffer, List<(int Start, int Length, int Line)> lines, int first, int count,
        float[] matrix, int firstRow, int dimension, string path)
    {
        var ids = new string[count];
        var errors = new IndexFormatException?[(count + RowsPerTask - 1) / RowsPerTask];
        Parallel.For(0, errors.Length, task =>
        {
            var end = Math.Min(count, (task + 1) * RowsPerTask);
            for (var i = task * RowsPerTask; i < end; i++)
            {
                var (start, length, number) = lines[first + i];
                try
                {
                    ids[i] = ParseRow(buffer.AsSpan(start, length).TrimEnd((byte)'\r'), matrix.AsSpan((firstRow + i) * dimension, dimension), path, number);
                }
                catch (IndexFormatException e)
                {
                    errors[task] = e;
                    return;
                }
            }
        });

        // Report the first bad line, as a sequential reader would.
        return Array.Find(errors, e => e is not null) is { } error ? throw error : ids;
    }

    private static int ParseHeader(ReadOnlySpan<byte> header, string path)
    {
        var dimension = 0;
        var first = true;
        foreach (var range in header.Split((byte)','))
        {
            var name = header[range];
            if (first)
            {
                if (!name.SequenceEqual("id"u8))
                {
                    throw new IndexFormatException($"{path} line 1: the header must start with 'id', not '{Encoding.UTF8.GetString(name)}'.");
                }

                first = false;
                continue;
            }

            if (name.Length < 2 || name[0] != (byte)'v' || !int.TryParse(name[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number != dimension)
            {
                throw new IndexFormatException($"{path} line 1: expected column 'v{dimension}', found '{Encoding.UTF8.GetString(name)}'.");
            }

            dimension++;
        }

        return dimension > 0 ? dimension : throw new IndexFormatException($"{path} line 1: the header has no vector columns.");
    }

    private static string ParseRow(ReadOnlySpan<byte> text, Span<float> vector, string path, int line)
    {
        string id;
        int position;
        if (text[0] == (byte)'"')
        {
            var builder = new StringBuilder();
            position = 1;
            while (true)
            {
                var quote = text[position..].IndexOf((byte)'"');
                if (quote < 0)
                {
                    throw new IndexFormatException($"{path} line {line}: unterminated quoted id.");
                }

                builder.Append(Encoding.UTF8.GetString(text.Slice(position, quote)));
                position += quote + 1;
                if (position < text.Length && text[position] == (byte)'"')
                {
                    builder.Append('"');
                    position++;
                    continue;
                }

                break;
            }

            id = builder.ToString();
        }
        else
        {
            position = text.IndexOf((byte)',');
            position = position < 0 ? text.Length : position;
            id = Encoding.UTF8.GetString(text[..position]);
        }

        if (id.Length == 0)
        {
            throw new IndexFormatException($"{path} line {line}: empty id.");
        }

        var rest = text[position..];
        for (var i = 0; i < vector.Length; i++)
        {
            if (rest.IsEmpty || rest[0] != (byte)',')
            {
                throw new IndexFormatException($"{path} line {line} (id '{id}'): {i} component(s), expected {vector.Length}.");
            }

            rest = rest[1..];
            var comma = rest.IndexOf((byte)',');
            var field = comma < 0 ? rest : rest[..comma];
            if (!Utf8FloatParser.TryParse(field, out var value) || !float.IsFinite(value))
            {
                throw new IndexFormatException($"{path} line {line} (id '{id}'): component {i} '{Encoding.UTF8.GetString(field)}' is not a finite number.");
            }

            vector[i] = value;
            rest = comma < 0 ? [] : rest[comma..];
        }

        if (!rest.IsEmpty)
        {
            throw new IndexFormatException($"{path} line {line} (id '{id}'): more than {vector.Length} components.");
        }

        return id;
    }
}
