using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// Embeddings of experiment images kept on disk, keyed by the SHA-256 of the image bytes, the model's SHA-256, the
/// preprocessing and the variant (crop): one file per (model, preprocessing, variant) under <c>artifacts/features/</c>
/// (ignored by git), each a run of records <c>[32-byte image hash][dimension floats]</c>. A second pass over the same
/// photos costs reading them, not running the model.
/// </summary>
internal sealed class FeatureCache
{
    private readonly string _folder;
    private readonly int _dimension;
    private readonly Dictionary<string, Dictionary<string, float[]>> _variants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(byte[] Hash, float[] Vector)>> _added = new(StringComparer.Ordinal);

    public FeatureCache(string root, string modelSha256, string preprocessing, int dimension)
    {
        _folder = Path.Combine(root, $"{modelSha256[..16]}-{preprocessing}");
        _dimension = dimension;
        Directory.CreateDirectory(_folder);
    }

    public static string HashOf(ReadOnlySpan<byte> image) => Convert.ToHexStringLower(SHA256.HashData(image));

    public bool TryGet(string variant, string imageSha256, out float[] vector) => Load(variant).TryGetValue(imageSha256, out vector!);

    public void Add(string variant, string imageSha256, float[] vector)
    {
        if (Load(variant).TryAdd(imageSha256, vector))
        {
            if (!_added.TryGetValue(variant, out var list))
            {
                _added[variant] = list = [];
            }

            list.Add((Convert.FromHexString(imageSha256), vector));
        }
    }

    /// <summary>Appends what was added since the last flush.</summary>
    public void Flush()
    {
        foreach (var (variant, records) in _added)
        {
            using var stream = new FileStream(PathOf(variant), FileMode.Append, FileAccess.Write);
            foreach (var (hash, vector) in records)
            {
                stream.Write(hash);
                stream.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
            }
        }

        _added.Clear();
    }

    private string PathOf(string variant) => Path.Combine(_folder, variant + ".f32");

    private Dictionary<string, float[]> Load(string variant)
    {
        if (_variants.TryGetValue(variant, out var vectors))
        {
            return vectors;
        }

        vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var path = PathOf(variant);
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            var record = 32 + (4 * _dimension);
            for (var offset = 0; offset + record <= bytes.Length; offset += record)
            {
                vectors[Convert.ToHexStringLower(bytes.AsSpan(offset, 32))] = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset + 32, 4 * _dimension)).ToArray();
            }
        }

        _variants[variant] = vectors;
        return vectors;
    }
}
