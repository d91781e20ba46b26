namespace ImageSearch.Core.Query.Index;

/// <summary>
/// <c>index.bin</c>, version 1 (docs/index-format.md): the same rows as <c>index.csv</c> in a form the API maps into
/// memory instead of parsing. Little-endian. A 64-byte header, a table of sections, then each section at a 4 KiB
/// boundary (so codes can be mapped and scanned in place), each with its own CRC-32C.
/// </summary>
internal static class BinaryIndexFormat
{
    /// <summary>PNG-style: a non-ASCII byte, a name, CR LF, EOF, LF — catches text-mode copies and truncated transfers.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'I', (byte)'S', (byte)'X', (byte)'\r', (byte)'\n', 0x1A, (byte)'\n'];

    public const uint Version = 1;
    public const int HeaderSize = 64;
    public const int SectionEntrySize = 32;
    public const int Alignment = 4096;

    // Header offsets.
    public const int VersionOffset = 8;
    public const int SectionCountOffset = 12;
    public const int RowsOffset = 16;
    public const int DimensionOffset = 24;
    public const int CoarseDimensionOffset = 28;
    public const int FileLengthOffset = 32;
    public const int HeaderChecksumOffset = 40;

    public static long Align(long offset) => (offset + Alignment - 1) & ~(long)(Alignment - 1);
}

/// <summary>What a section of <c>index.bin</c> holds.</summary>
internal enum BinaryIndexSection : uint
{
    /// <summary>int64 offsets[rows + 1] into the UTF-8 bytes that follow them: the product ids in row order.</summary>
    Ids = 1,

    /// <summary>float32[rows × dimension]: the L2-normalised vectors, as in index.csv.</summary>
    Vectors = 2,

    /// <summary>float32[dimension]: the mean the quantizer centres on.</summary>
    QuantizerMean = 3,

    /// <summary>float32[dimension × dimension]: the principal axes, row-major, largest variance first.</summary>
    QuantizerAxes = 4,

    /// <summary>float32[dimension]: one code step per axis.</summary>
    QuantizerScales = 5,

    /// <summary>int8[rows × coarse dimension]: codes on the leading axes, scanned by every search.</summary>
    CoarseCodes = 6,

    /// <summary>int8[rows × (dimension − coarse dimension)]: codes on the other axes, read for candidates.</summary>
    ResidualCodes = 7,

    /// <summary>
    /// uint32[rows]: the CRC-32C of each row of <see cref="Vectors"/>, so a compact search can check the few rows it
    /// rescores as it reads them instead of reading every vector on loading (optional: files without it are checked whole).
    /// </summary>
    RowChecksums = 8,
}
