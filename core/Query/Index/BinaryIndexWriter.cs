using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using ImageSearch.Core.IO;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// Writes <c>index.bin</c> (<see cref="BinaryIndexFormat"/>) to a temporary file; <see cref="BinaryIndexDraft.Commit"/>
/// renames it into place, so a reader never sees half a file.
/// </summary>
public static class BinaryIndexWriter
{
    /// <summary>The binary form of <c>path</c> (an index.csv): the same name with <c>.bin</c>.</summary>
    public static string PathFor(string indexCsvPath) => Path.ChangeExtension(Path.GetFullPath(indexCsvPath), ".bin");

    /// <summary>
    /// Writes ids and vectors, and, when <paramref name="quantizer"/> is given, the compact codes of every row on its
    /// first <paramref name="coarseDimension"/> axes and the rest.
    /// </summary>
    public static BinaryIndexDraft Write(string path, IReadOnlyList<string> ids, VectorRows vectors, VectorQuantizer? quantizer, int coarseDimension)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(vectors);
        var dimension = vectors.Dimension;
        var rows = ids.Count;
        if (vectors.Count != rows)
        {
            throw new ArgumentException($"{rows} ids need as many vectors; got {vectors}.", nameof(vectors));
        }

        var sections = new List<(BinaryIndexSection Kind, byte[]? Bytes)>
        {
            (BinaryIndexSection.Ids, IdBytes(ids)),
            (BinaryIndexSection.Vectors, null),
        };
        if (quantizer is not null)
        {
            ArgumentOutOfRangeException.ThrowIfNotEqual(quantizer.Dimension, dimension, nameof(quantizer));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(coarseDimension);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(coarseDimension, dimension - 1);
            var coarse = new sbyte[(long)rows * coarseDimension];
            var residual = new sbyte[(long)rows * (dimension - coarseDimension)];
            quantizer.Encode(vectors, coarseDimension, coarse, residual);
            sections.Add((BinaryIndexSection.QuantizerMean, MemoryMarshal.AsBytes(quantizer.Mean).ToArray()));
            sections.Add((BinaryIndexSection.QuantizerAxes, MemoryMarshal.AsBytes(quantizer.Axes).ToArray()));
            sections.Add((BinaryIndexSection.QuantizerScales, MemoryMarshal.AsBytes(quantizer.Scales).ToArray()));
            sections.Add((BinaryIndexSection.CoarseCodes, (byte[])(Array)coarse));
            sections.Add((BinaryIndexSection.ResidualCodes, (byte[])(Array)residual));
            sections.Add((BinaryIndexSection.RowChecksums, RowChecksums(vectors)));
        }
        else
        {
            coarseDimension = 0;
        }

        using var pin = new PinnedVectors(vectors.Array);
        var table = new byte[sections.Count * BinaryIndexFormat.SectionEntrySize];
        var offset = BinaryIndexFormat.Align(BinaryIndexFormat.HeaderSize + table.Length);
        var layout = new List<(long Offset, long Length)>();
        for (var i = 0; i < sections.Count; i++)
        {
            var (kind, bytes) = sections[i];
            var length = kind == BinaryIndexSection.Vectors ? pin.Length : bytes!.Length;
            var checksum = kind == BinaryIndexSection.Vectors ? pin.Checksum() : Crc32C.ComputeChunked(bytes);
            var entry = table.AsSpan(i * BinaryIndexFormat.SectionEntrySize, BinaryIndexFormat.SectionEntrySize);
            BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)kind);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], checksum);
            BinaryPrimitives.WriteInt64LittleEndian(entry[8..], offset);
            BinaryPrimitives.WriteInt64LittleEndian(entry[16..], length);
            layout.Add((offset, length));
            offset = BinaryIndexFormat.Align(offset + length);
        }

        var fileLength = layout[^1].Offset + layout[^1].Length;
        var header = new byte[BinaryIndexFormat.HeaderSize];
        BinaryIndexFormat.Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(BinaryIndexFormat.VersionOffset), BinaryIndexFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(BinaryIndexFormat.SectionCountOffset), (uint)sections.Count);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(BinaryIndexFormat.RowsOffset), rows);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(BinaryIndexFormat.DimensionOffset), dimension);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(BinaryIndexFormat.CoarseDimensionOffset), coarseDimension);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(BinaryIndexFormat.FileLengthOffset), fileLength);
        var headerChecksum = BinaryIndexFile.HeaderChecksum(header, table);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(BinaryIndexFormat.HeaderChecksumOffset), headerChecksum);

        var file = AtomicFile.Create(path);
        try
        {
            var stream = file.Stream;
            stream.Write(header);
            stream.Write(table);
            for (var i = 0; i < sections.Count; i++)
            {
                Pad(stream, layout[i].Offset);
                if (sections[i].Kind == BinaryIndexSection.Vectors)
                {
                    pin.WriteTo(stream);
                }
                else
                {
                    stream.Write(sections[i].Bytes);
                }
            }

            return new BinaryIndexDraft(file, fileLength, headerChecksum);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The vectors as bytes: over 2 GB for a million rows, so by pointer rather than as one span.</summary>
    private sealed unsafe class PinnedVectors(float[] vectors) : IDisposable
    {
        private GCHandle _handle = GCHandle.Alloc(vectors, GCHandleType.Pinned);

        public long Length { get; } = (long)vectors.Length * sizeof(float);

        private byte* Pointer => (byte*)_handle.AddrOfPinnedObject();

        public uint Checksum() => Crc32C.ComputeChunked(Pointer, Length);

        public void WriteTo(Stream stream)
        {
            for (long offset = 0; offset < Length; offset += Crc32C.ChunkSize)
            {
                stream.Write(new ReadOnlySpan<byte>(Pointer + offset, (int)Math.Min(Crc32C.ChunkSize, Length - offset)));
            }
        }

        public void Dispose() => _handle.Free();
    }

    private static byte[] RowChecksums(VectorRows vectors)
    {
        var checksums = new byte[vectors.Count * sizeof(uint)];
        Parallel.For(0, vectors.Count, row => BinaryPrimitives.WriteUInt32LittleEndian(
            checksums.AsSpan(row * sizeof(uint)),
            Crc32C.Compute(MemoryMarshal.AsBytes(vectors.Row(row)))));
        return checksums;
    }

    private static void Pad(Stream stream, long offset)
    {
        Span<byte> zeros = stackalloc byte[BinaryIndexFormat.Alignment];
        zeros.Clear();
        while (stream.Position < offset)
        {
            stream.Write(zeros[..(int)Math.Min(zeros.Length, offset - stream.Position)]);
        }
    }

    private static byte[] IdBytes(IReadOnlyList<string> ids)
    {
        var text = new List<byte[]>(ids.Count);
        long total = 0;
        foreach (var id in ids)
        {
            var bytes = Encoding.UTF8.GetBytes(id);
            text.Add(bytes);
            total += bytes.Length;
        }

        var result = new byte[checked((int)(((ids.Count + 1) * 8L) + total))];
        var position = (ids.Count + 1) * 8L;
        for (var i = 0; i < ids.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(i * 8), position - ((ids.Count + 1) * 8L));
            text[i].CopyTo(result.AsSpan((int)position));
            position += text[i].Length;
        }

        BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(ids.Count * 8), total);
        return result;
    }
}

/// <summary>A written but not yet visible <c>index.bin</c>.</summary>
public sealed class BinaryIndexDraft(AtomicFile file, long length, uint checksum) : IDisposable
{
    public long Length => length;

    /// <summary>The header's CRC-32C, which covers every section's checksum: it identifies the content.</summary>
    public uint Checksum => checksum;

    public void Commit() => file.Commit();

    public void Dispose() => file.Dispose();
}
