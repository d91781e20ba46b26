using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using ImageSearch.Core.IO;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Build.Indexing;

/// <summary>
/// The augmented views' embeddings of the last build that made any, kept beside the index (<c>index.views.bin</c>) so
/// that the next one embeds only the views of photos it has not seen, as the index does with its vectors. A view is
/// found by what decides its pixels: its photo's SHA-256, its number and its background photo's SHA-256; the file as a
/// whole is only used with the same model, preprocessing, pooling and augmentation settings (<see cref="Settings"/>).
/// A file that is missing, from other settings, or damaged is simply not used: it is a cache, never the only copy.
/// </summary>
/// <remarks>
/// Layout (little-endian): the 8 bytes <c>ISVIEWS1</c>, the settings' length and UTF-8 text, the dimension, the count,
/// a CRC-32C of everything after it; then per view 32 bytes photo SHA-256, 32 bytes background SHA-256 (zeros: none)
/// and the view number; then the embeddings, row-major float32.
/// </remarks>
internal sealed class AugmentedViewCache
{
    private static readonly byte[] Magic = "ISVIEWS1"u8.ToArray();
    private const int KeyBytes = 32 + 32 + 4;

    private readonly Dictionary<Key, int> _rows;
    private readonly VectorRows? _vectors;

    private AugmentedViewCache(Dictionary<Key, int> rows, VectorRows? vectors)
    {
        _rows = rows;
        _vectors = vectors;
    }

    /// <summary>What one view's pixels depend on besides the settings: hex SHA-256 of its photo and of its background.</summary>
    public readonly record struct Key(string Photo, int View, string? Background);

    public static AugmentedViewCache Empty { get; } = new([], null);

    public int Count => _rows.Count;

    public static string PathFor(string indexPath) => Path.ChangeExtension(Path.GetFullPath(indexPath), ".views.bin");

    /// <summary>Everything else a view's embedding depends on, one line.</summary>
    public static string Settings(string modelSha256, string preprocessing, string pooling, int dimension, string augmentation) =>
        $"model {modelSha256}; preprocessing {preprocessing}; pooling {pooling}; dimension {dimension}; {augmentation}";

    /// <summary>Copies the cached embedding of <paramref name="key"/> into <paramref name="destination"/>, if there is one.</summary>
    public bool TryGet(Key key, Span<float> destination)
    {
        if (!_rows.TryGetValue(key, out var row))
        {
            return false;
        }

        _vectors!.Row(row).CopyTo(destination);
        return true;
    }

    /// <summary>The cache at <paramref name="path"/> when it was written with <paramref name="settings"/>; else <see cref="Empty"/> and why, in <paramref name="problem"/>.</summary>
    public static AugmentedViewCache Load(string path, string settings, int dimension, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
        {
            return Empty;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            problem = $"it could not be read ({e.Message})";
            return Empty;
        }

        var expected = Encoding.UTF8.GetBytes(settings);
        var at = Magic.Length + 4;
        if (bytes.Length < at || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            problem = "it is not a view cache";
            return Empty;
        }

        var settingsLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length));
        if (settingsLength != expected.Length || bytes.Length < at + settingsLength + 12 || !bytes.AsSpan(at, settingsLength).SequenceEqual(expected))
        {
            problem = "it was made with other model, preprocessing or augmentation settings";
            return Empty;
        }

        at += settingsLength;
        var storedDimension = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8));
        at += 12;
        if (storedDimension != dimension || count < 0 || bytes.Length - at != ((long)count * KeyBytes) + ((long)count * dimension * sizeof(float))
            || Crc32C.ComputeChunked(bytes.AsSpan(at)) != checksum)
        {
            problem = "it is damaged";
            return Empty;
        }

        var rows = new Dictionary<Key, int>(count);
        for (var i = 0; i < count; i++)
        {
            var key = bytes.AsSpan(at + (i * KeyBytes), KeyBytes);
            var background = key.Slice(32, 32);
            rows.TryAdd(new Key(
                Convert.ToHexStringLower(key[..32]),
                BinaryPrimitives.ReadInt32LittleEndian(key[64..]),
                background.ContainsAnyExcept((byte)0) ? Convert.ToHexStringLower(background) : null), i);
        }

        var vectors = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(at + (count * KeyBytes))).ToArray();
        return new AugmentedViewCache(rows, new VectorRows(vectors, count, dimension));
    }

    /// <summary>Writes <paramref name="keys"/> and their embeddings (one row each) as the cache, atomically.</summary>
    public static void Save(string path, string settings, IReadOnlyList<Key> keys, VectorRows vectors)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count != keys.Count)
        {
            throw new ArgumentException($"{keys.Count} views need as many embeddings; got {vectors}.", nameof(vectors));
        }

        var dimension = vectors.Dimension;
        var body = new byte[(keys.Count * KeyBytes) + (vectors.Values.Length * sizeof(float))];
        for (var i = 0; i < keys.Count; i++)
        {
            var key = body.AsSpan(i * KeyBytes, KeyBytes);
            Convert.FromHexString(keys[i].Photo).CopyTo(key);
            if (keys[i].Background is { } background)
            {
                Convert.FromHexString(background).CopyTo(key[32..]);
            }

            BinaryPrimitives.WriteInt32LittleEndian(key[64..], keys[i].View);
        }

        MemoryMarshal.AsBytes(vectors.Values.Span).CopyTo(body.AsSpan(keys.Count * KeyBytes));
        var text = Encoding.UTF8.GetBytes(settings);
        var header = new byte[Magic.Length + 4 + text.Length + 12];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(Magic.Length), text.Length);
        text.CopyTo(header, Magic.Length + 4);
        var at = Magic.Length + 4 + text.Length;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at), dimension);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at + 4), keys.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(at + 8), Crc32C.ComputeChunked(body));
        using var file = AtomicFile.Create(path);
        file.Stream.Write(header);
        file.Stream.Write(body);
        file.Commit();
    }
}
