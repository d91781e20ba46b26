using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;
using ImageSearch.Core.IO;
using Microsoft.Win32.SafeHandles;

namespace ImageSearch.Core.Query.Index;

/// <summary>
/// An open <c>index.bin</c>: the file is memory-mapped read-only (several processes on one machine share its pages),
/// every section's checksum is verified on opening, the compact codes are scanned where they lie, and the exact
/// vectors are read row by row with <c>pread</c>, so they live in the OS page cache, not in the process.
/// Disposing releases the mapping once the last search that holds it has finished.
/// </summary>
public sealed unsafe class BinaryIndexFile : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _accessor;
    private readonly SafeFileHandle _reader;
    private readonly Dictionary<BinaryIndexSection, (long Offset, long Length)> _sections;

    private readonly uint _vectorChecksum;
    private readonly bool _checkRowsOnRead;
    private bool _vectorsVerified;

    private BinaryIndexFile(string path, MemoryMappedFile file, MemoryMappedViewAccessor accessor, SafeFileHandle reader, long length, bool verifyVectors)
    {
        Path = path;
        _file = file;
        _accessor = accessor;
        _reader = reader;
        Length = length;
        var mapping = accessor.SafeMemoryMappedViewHandle;
        var start = (byte*)mapping.DangerousGetHandle();
        if (length < BinaryIndexFormat.HeaderSize || !new ReadOnlySpan<byte>(start, 8).SequenceEqual(BinaryIndexFormat.Magic))
        {
            throw Invalid("is not an ImageSearch binary index");
        }

        var header = new ReadOnlySpan<byte>(start, BinaryIndexFormat.HeaderSize);
        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[BinaryIndexFormat.VersionOffset..]);
        if (version != BinaryIndexFormat.Version)
        {
            throw Invalid($"is format version {version}; this service reads version {BinaryIndexFormat.Version}. Rebuild it with 'build-index build'");
        }

        var sectionCount = BinaryPrimitives.ReadUInt32LittleEndian(header[BinaryIndexFormat.SectionCountOffset..]);
        var rows = BinaryPrimitives.ReadInt64LittleEndian(header[BinaryIndexFormat.RowsOffset..]);
        Dimension = BinaryPrimitives.ReadInt32LittleEndian(header[BinaryIndexFormat.DimensionOffset..]);
        CoarseDimension = BinaryPrimitives.ReadInt32LittleEndian(header[BinaryIndexFormat.CoarseDimensionOffset..]);
        var declaredLength = BinaryPrimitives.ReadInt64LittleEndian(header[BinaryIndexFormat.FileLengthOffset..]);
        if (declaredLength != length)
        {
            throw Invalid($"is {length} bytes but its header says {declaredLength}: it is truncated or was not fully written");
        }

        if (sectionCount > 64 || rows is < 0 or > int.MaxValue || Dimension <= 0 || CoarseDimension < 0 || CoarseDimension >= Dimension
            || BinaryIndexFormat.HeaderSize + (sectionCount * BinaryIndexFormat.SectionEntrySize) > length)
        {
            throw Invalid("has an impossible header");
        }

        Rows = (int)rows;
        var table = new ReadOnlySpan<byte>(start + BinaryIndexFormat.HeaderSize, (int)sectionCount * BinaryIndexFormat.SectionEntrySize);
        Checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[BinaryIndexFormat.HeaderChecksumOffset..]);
        if (HeaderChecksum(header, table) != Checksum)
        {
            throw Invalid("has a damaged header (checksum mismatch)");
        }

        _sections = [];
        var checksums = new Dictionary<BinaryIndexSection, uint>();
        for (var i = 0; i < sectionCount; i++)
        {
            var entry = table.Slice(i * BinaryIndexFormat.SectionEntrySize, BinaryIndexFormat.SectionEntrySize);
            var kind = (BinaryIndexSection)BinaryPrimitives.ReadUInt32LittleEndian(entry);
            var offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
            var size = BinaryPrimitives.ReadInt64LittleEndian(entry[16..]);
            if (offset < 0 || size < 0 || offset > length - size || !_sections.TryAdd(kind, (offset, size)))
            {
                throw Invalid($"has a bad entry for section {kind}");
            }

            checksums[kind] = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
        }

        Expect(BinaryIndexSection.Ids, -1);
        Expect(BinaryIndexSection.Vectors, (long)Rows * Dimension * sizeof(float));
        if (CoarseDimension > 0)
        {
            Expect(BinaryIndexSection.QuantizerMean, Dimension * sizeof(float));
            Expect(BinaryIndexSection.QuantizerAxes, (long)Dimension * Dimension * sizeof(float));
            Expect(BinaryIndexSection.QuantizerScales, Dimension * sizeof(float));
            Expect(BinaryIndexSection.CoarseCodes, (long)Rows * CoarseDimension);
            Expect(BinaryIndexSection.ResidualCodes, (long)Rows * (Dimension - CoarseDimension));
        }

        // A file with compact codes is searched by reading a few hundred rows per query: when each row has its own
        // checksum, those rows are checked as they are read and the vectors (5 GB for a million products) need not all
        // be read on loading. Otherwise (or when the vectors are mapped for an exact scan, see CreateSearchIndex) the
        // whole section is checked.
        _vectorChecksum = checksums[BinaryIndexSection.Vectors];
        _checkRowsOnRead = verifyVectors && CoarseDimension > 0 && _sections.ContainsKey(BinaryIndexSection.RowChecksums);
        if (_checkRowsOnRead)
        {
            Expect(BinaryIndexSection.RowChecksums, (long)Rows * sizeof(uint));
        }

        _vectorsVerified = verifyVectors && !_checkRowsOnRead;
        var failed = new List<BinaryIndexSection>();
        Parallel.ForEach(_sections.Keys.Where(k => k != BinaryIndexSection.Vectors || _vectorsVerified).ToArray(), kind =>
        {
            var (offset, size) = _sections[kind];
            var actual = kind == BinaryIndexSection.Vectors ? ChecksumByReading(offset, size) : Crc32C.ComputeChunked(start + offset, size);
            if (actual != checksums[kind])
            {
                lock (failed)
                {
                    failed.Add(kind);
                }
            }
        });
        if (failed.Count > 0)
        {
            throw Invalid($"is damaged: the checksum of {string.Join(", ", failed)} does not match");
        }

        Ids = ReadIds(start);
        ExactRows = new FileRows(this, _checkRowsOnRead ? Section<uint>(BinaryIndexSection.RowChecksums) : null);
        if (CoarseDimension > 0)
        {
            Quantizer = new VectorQuantizer(Floats(BinaryIndexSection.QuantizerMean), Floats(BinaryIndexSection.QuantizerAxes), Floats(BinaryIndexSection.QuantizerScales));
            CoarseCodes = new RowMatrix<sbyte>(mapping, _sections[BinaryIndexSection.CoarseCodes].Offset, Rows, CoarseDimension);
            ResidualCodes = new RowMatrix<sbyte>(mapping, _sections[BinaryIndexSection.ResidualCodes].Offset, Rows, Dimension - CoarseDimension);
        }

        void Expect(BinaryIndexSection kind, long size)
        {
            if (!_sections.TryGetValue(kind, out var section))
            {
                throw Invalid($"has no {kind} section");
            }

            if (size >= 0 && section.Length != size)
            {
                throw Invalid($"has a {kind} section of {section.Length} bytes; {Rows} rows of {Dimension} need {size}");
            }
        }
    }

    public string Path { get; }

    public long Length { get; }

    public int Rows { get; }

    public int Dimension { get; }

    /// <summary>Axes in the coarse codes; 0 when the index has no compact codes (small catalogs).</summary>
    public int CoarseDimension { get; }

    /// <summary>The header's CRC-32C: it covers every section's checksum, so it identifies the content (meta.json records it).</summary>
    public uint Checksum { get; }

    public IReadOnlyList<string> Ids { get; }

    /// <summary>The exact vectors, read from the file a row at a time.</summary>
    public IExactRows ExactRows { get; }

    public VectorQuantizer? Quantizer { get; }

    public RowMatrix<sbyte>? CoarseCodes { get; }

    public RowMatrix<sbyte>? ResidualCodes { get; }

    /// <summary>Maps and checks <paramref name="path"/>; throws <see cref="IndexFormatException"/> for anything wrong with it.</summary>
    public static BinaryIndexFile Open(string path, bool verifyVectors = true)
    {
        path = System.IO.Path.GetFullPath(path);
        SafeFileHandle? reader = null;
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? accessor = null;
        try
        {
            reader = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            var length = RandomAccess.GetLength(reader);
            if (length == 0)
            {
                throw new IndexFormatException($"{path} is empty.");
            }

            file = MemoryMappedFile.CreateFromFile(
                new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete), null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            accessor = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new BinaryIndexFile(path, file, accessor, reader, length, verifyVectors);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            accessor?.Dispose();
            file?.Dispose();
            reader?.Dispose();
            throw new IndexFormatException($"{path} cannot be read: {e.Message}", e);
        }
        catch
        {
            accessor?.Dispose();
            file?.Dispose();
            reader?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The search over this file: compact (codes, then exact rescoring) when it has codes and at least
    /// <paramref name="compactFromRows"/> rows, else exact over the mapped vectors.
    /// </summary>
    public IVectorIndex CreateSearchIndex(CompactSearchOptions options, int compactFromRows)
    {
        if (Quantizer is not null && Rows >= compactFromRows)
        {
            return new CompactVectorIndex(Quantizer, CoarseCodes!, ResidualCodes!, ExactRows, options);
        }

        if (_checkRowsOnRead && !_vectorsVerified)
        {
            // An exact scan reads the mapped vectors directly, past the row checks: check them all first.
            var (offset, size) = _sections[BinaryIndexSection.Vectors];
            if (ChecksumByReading(offset, size) != _vectorChecksum)
            {
                throw Invalid($"is damaged: the checksum of {BinaryIndexSection.Vectors} does not match");
            }

            _vectorsVerified = true;
        }

        return new VectorIndex(new RowMatrix<float>(_accessor.SafeMemoryMappedViewHandle, _sections[BinaryIndexSection.Vectors].Offset, Rows, Dimension));
    }

    public void Dispose()
    {
        _accessor.Dispose();
        _file.Dispose();
        _reader.Dispose();
    }

    internal static uint HeaderChecksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> table)
    {
        var bytes = new byte[header.Length + table.Length];
        header.CopyTo(bytes);
        table.CopyTo(bytes.AsSpan(header.Length));
        bytes.AsSpan(BinaryIndexFormat.HeaderChecksumOffset, 4).Clear();
        return Crc32C.Compute(bytes);
    }

    private string[] ReadIds(byte* start)
    {
        var (offset, size) = _sections[BinaryIndexSection.Ids];
        var section = new ReadOnlySpan<byte>(start + offset, checked((int)size));
        var table = (Rows + 1L) * 8;
        if (size < table)
        {
            throw Invalid("has a truncated id section");
        }

        var text = section[(int)table..];
        var ids = new string[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var from = BinaryPrimitives.ReadInt64LittleEndian(section[(i * 8)..]);
            var to = BinaryPrimitives.ReadInt64LittleEndian(section[((i + 1) * 8)..]);
            if (from < 0 || to < from || to > text.Length)
            {
                throw Invalid($"has a bad id offset at row {i + 1}");
            }

            ids[i] = Encoding.UTF8.GetString(text[(int)from..(int)to]);
        }

        return ids;
    }

    private float[] Floats(BinaryIndexSection kind) => Section<float>(kind);

    private T[] Section<T>(BinaryIndexSection kind)
        where T : unmanaged
    {
        var (offset, size) = _sections[kind];
        var start = (byte*)_accessor.SafeMemoryMappedViewHandle.DangerousGetHandle();
        return MemoryMarshal.Cast<byte, T>(new ReadOnlySpan<byte>(start + offset, checked((int)size))).ToArray();
    }

    /// <summary>The vectors' checksum read through the page cache rather than the mapping, so they do not count as this process's memory.</summary>
    private uint ChecksumByReading(long offset, long size)
    {
        var chunks = (int)((size + Crc32C.ChunkSize - 1) / Crc32C.ChunkSize);
        var sums = new byte[chunks * 4];
        Parallel.For(0, chunks, () => new byte[Crc32C.ChunkSize], (i, _, buffer) =>
        {
            var chunkOffset = (long)i * Crc32C.ChunkSize;
            var chunk = buffer.AsSpan(0, (int)Math.Min(Crc32C.ChunkSize, size - chunkOffset));
            ReadExactly(offset + chunkOffset, chunk);
            BinaryPrimitives.WriteUInt32LittleEndian(sums.AsSpan(i * 4), Crc32C.Compute(chunk));
            return buffer;
        }, _ => { });
        return Crc32C.Compute(sums);
    }

    private void ReadExactly(long offset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            var read = RandomAccess.Read(_reader, destination, offset);
            if (read == 0)
            {
                throw Invalid("ended early");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    private IndexFormatException Invalid(string problem) => new($"{Path} {problem}.");

    private sealed class FileRows(BinaryIndexFile file, uint[]? rowChecksums) : IExactRows
    {
        private readonly long _offset = file._sections[BinaryIndexSection.Vectors].Offset;

        public int Rows => file.Rows;

        public int Width => file.Dimension;

        public void CopyRow(int row, Span<float> destination)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Rows, nameof(row));
            var bytes = MemoryMarshal.AsBytes(destination[..Width]);
            file.ReadExactly(_offset + ((long)row * Width * sizeof(float)), bytes);
            if (rowChecksums is not null && Crc32C.Compute(bytes) != rowChecksums[row])
            {
                throw file.Invalid($"is damaged: the vector of row {row + 1} ({file.Ids[row]}) does not match its checksum");
            }
        }

        // The rescoring's rows are scattered over gigabytes; those the page cache no longer holds would otherwise be
        // read from the disk one after another (~50 µs each here).
        public void Prefetch(ReadOnlySpan<int> rows)
        {
            var rowBytes = (long)Width * sizeof(float);
            foreach (var row in rows)
            {
                ReadAhead.Request(file._reader, _offset + (row * rowBytes), rowBytes);
            }
        }
    }
}
