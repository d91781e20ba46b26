using System.Buffers.Binary;
using System.Numerics;

namespace ImageSearch.Core.IO;

/// <summary>
/// CRC-32C (Castagnoli) with the CPU's CRC32 instruction where it has one (SSE4.2, ARMv8): several GB/s, so a
/// gigabyte section of an index is checked in a fraction of a second. Not a defence against tampering, a check
/// against truncation, bit rot and files from different builds.
/// </summary>
public static class Crc32C
{
    /// <summary>Chunks of this size are checksummed in parallel, then their checksums are checksummed.</summary>
    public const int ChunkSize = 16 << 20;

    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    /// <summary>
    /// The checksum of a large region: CRC-32C over the little-endian CRC-32C of each <see cref="ChunkSize"/> chunk,
    /// computed on all cores (what docs/index-format.md calls the section checksum).
    /// </summary>
    public static unsafe uint ComputeChunked(byte* data, long length)
    {
        var chunks = (int)((length + ChunkSize - 1) / ChunkSize);
        var sums = new uint[chunks];
        var start = (nint)data;
        Parallel.For(0, chunks, i =>
        {
            var offset = (long)i * ChunkSize;
            var size = (int)Math.Min(ChunkSize, length - offset);
            sums[i] = Compute(new ReadOnlySpan<byte>((byte*)start + offset, size));
        });
        var bytes = new byte[chunks * 4];
        for (var i = 0; i < chunks; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), sums[i]);
        }

        return Compute(bytes);
    }

    public static unsafe uint ComputeChunked(ReadOnlySpan<byte> data)
    {
        fixed (byte* pointer = data)
        {
            return ComputeChunked(pointer, data.Length);
        }
    }

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i <= data.Length - 8; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return crc;
    }
}
