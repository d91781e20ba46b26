using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>Embeds photos in several variants (<see cref="PhotoVariants"/>) with the engine's feature model, through a <see cref="FeatureCache"/>.</summary>
internal sealed class VariantEmbedder : IDisposable
{
    private const int Batch = 8;
    private readonly FeatureExtractor _extractor;
    private readonly PhotoVariants _variants = new(PreprocessingOptions.ImageNet);
    private readonly FeatureCache _cache;

    public VariantEmbedder(string modelPath, string cacheRoot)
    {
        var factory = new InferenceSessionFactory(new InferenceOptions(), NullLogger<InferenceSessionFactory>.Instance);
        _extractor = new FeatureExtractor(factory.Create(modelPath), modelPath);
        _cache = new FeatureCache(cacheRoot, _extractor.ModelSha256, PreprocessingOptions.ImageNet.Name, _extractor.Dimension);
    }

    public int Dimension => _extractor.Dimension;

    /// <summary>Gives the <c>clutter</c> presets up to 64 of these photos (evenly spaced) to put items on.</summary>
    public void UseBackgrounds(IReadOnlyList<string> paths)
    {
        var decoder = new ImageDecoder();
        var count = Math.Min(64, paths.Count);
        var images = Enumerable.Range(0, count)
            .Select(i => decoder.Decode(File.ReadAllBytes(paths[(int)((long)i * paths.Count / count)]), new DecodeOptions { MinShortSide = 256 }))
            .ToArray();
        _variants.Backgrounds = seed => images[(int)((uint)seed % (uint)images.Length)];
    }

    /// <summary>The vectors (L2-normalised) of every path, one row each, per variant.</summary>
    public Dictionary<string, VectorRows> Embed(IReadOnlyList<string> paths, IReadOnlyList<string> variants)
    {
        var d = Dimension;
        var hashes = paths.Select(p => FeatureCache.HashOf(File.ReadAllBytes(p))).ToArray();
        var output = variants.ToDictionary(v => v, _ => new float[paths.Count * d]);
        var missing = new List<int>();
        for (var i = 0; i < paths.Count; i++)
        {
            var complete = true;
            foreach (var variant in variants)
            {
                if (_cache.TryGet(variant, hashes[i], out var vector))
                {
                    vector.CopyTo(output[variant].AsSpan(i * d, d));
                }
                else
                {
                    complete = false;
                }
            }

            if (!complete)
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return Rows(output, paths.Count);
        }

        Console.Error.WriteLine($"  embedding {missing.Count} photos in {variants.Count} variants");
        var length = _variants.TensorLength;
        var perBatch = Math.Max(1, Batch / variants.Count);
        var inputs = new float[perBatch * variants.Count * length];
        var vectors = new float[perBatch * variants.Count * d];
        for (var start = 0; start < missing.Count; start += perBatch)
        {
            var count = Math.Min(perBatch, missing.Count - start);
            Parallel.For(0, count, j => _variants.Render(File.ReadAllBytes(paths[missing[start + j]]), variants,
                inputs.AsSpan(j * variants.Count * length, variants.Count * length)));
            _extractor.Extract(inputs, count * variants.Count, vectors);
            for (var j = 0; j < count; j++)
            {
                var i = missing[start + j];
                for (var v = 0; v < variants.Count; v++)
                {
                    var vector = vectors.AsSpan(((j * variants.Count) + v) * d, d).ToArray();
                    vector.CopyTo(output[variants[v]].AsSpan(i * d, d));
                    _cache.Add(variants[v], hashes[i], vector);
                }
            }

            if ((start / perBatch) % 50 == 0)
            {
                Console.Error.WriteLine($"  {start + count}/{missing.Count}");
                _cache.Flush();
            }
        }

        _cache.Flush();
        return Rows(output, paths.Count);
    }

    private Dictionary<string, VectorRows> Rows(Dictionary<string, float[]> perVariant, int count) =>
        perVariant.ToDictionary(p => p.Key, p => new VectorRows(p.Value, count, Dimension));

    public void Dispose() => _extractor.Dispose();
}
