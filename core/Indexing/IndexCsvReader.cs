using System.Globalization;
using System.Text;

namespace ImageSearch.Core.Indexing;

/// <summary>
/// Parses <c>index.csv</c> straight from UTF-8 bytes into one contiguous row-major matrix, without a string per field.
/// Every problem is reported with its line number.
/// </summary>
public static class IndexCsvReader
{
    private const int BufferSize = 1 << 20;

    public static StoredVectors Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Read(stream, path);
    }

    public static StoredVectors Read(Stream stream, string path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[BufferSize];
        int start = 0, end = 0, line = 0, dimension = -1;
        var ids = new List<string>();
        float[] matrix = [];
        var rows = 0;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline < 0)
            {
                // Move the partial line to the front and read more.
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var read = stream.Read(buffer, end, buffer.Length - end);
                if (read > 0)
                {
                    end += read;
                    continue;
                }

                if (end == start)
                {
                    break;
                }

                newline = end - start; // last line without a newline
            }

            line++;
            var text = buffer.AsSpan(start, newline).TrimEnd((byte)'\r');
            start += Math.Min(newline + 1, end - start);
            if (line == 1)
            {
                dimension = ParseHeader(text, path);
                matrix = new float[dimension * 1024];
                continue;
            }

            if (text.IsEmpty)
            {
                continue;
            }

            if ((rows + 1) * dimension > matrix.Length)
            {
                Array.Resize(ref matrix, matrix.Length * 2);
            }

            ids.Add(ParseRow(text, matrix.AsSpan(rows * dimension, dimension), path, line));
            rows++;
        }

        if (dimension < 0)
        {
            throw new IndexFormatException($"{path} is empty; expected a header 'id,v0,v1,...'.");
        }

        Array.Resize(ref matrix, rows * dimension);
        return new StoredVectors(ids, matrix, dimension);
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
