using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>Embeds photos in several views with the engine's feature model, through a <see cref="FeatureCache"/>.</summary>
internal sealed class ViewEmbedder : IDisposable
{
    private const int Batch = 8;
    private readonly FeatureExtractor _extractor;
    private readonly ImageViews _views = new(PreprocessingOptions.ImageNet);
    private readonly FeatureCache _cache;

    public ViewEmbedder(string modelPath, string cacheRoot)
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
        _views.Backgrounds = seed => images[(int)((uint)seed % (uint)images.Length)];
    }

    /// <summary>The vectors (L2-normalised) of every path, one row each, per view.</summary>
    public Dictionary<string, VectorRows> Embed(IReadOnlyList<string> paths, IReadOnlyList<string> views)
    {
        var d = Dimension;
        var hashes = paths.Select(p => FeatureCache.HashOf(File.ReadAllBytes(p))).ToArray();
        var output = views.ToDictionary(v => v, _ => new float[paths.Count * d]);
        var missing = new List<int>();
        for (var i = 0; i < paths.Count; i++)
        {
            var complete = true;
            foreach (var view in views)
            {
                if (_cache.TryGet(view, hashes[i], out var vector))
                {
                    vector.CopyTo(output[view].AsSpan(i * d, d));
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

        Console.Error.WriteLine($"  embedding {missing.Count} photos in {views.Count} views");
        var length = _views.TensorLength;
        var perBatch = Math.Max(1, Batch / views.Count) ;
        var inputs = new float[perBatch * views.Count * length];
        var vectors = new float[perBatch * views.Count * d];
        for (var start = 0; start < missing.Count; start += perBatch)
        {
            var count = Math.Min(perBatch, missing.Count - start);
            Parallel.For(0, count, j => _views.Render(File.ReadAllBytes(paths[missing[start + j]]), views,
                inputs.AsSpan(j * views.Count * length, views.Count * length)));
            _extractor.Extract(inputs, count * views.Count, vectors);
            for (var j = 0; j < count; j++)
            {
                var i = missing[start + j];
                for (var v = 0; v < views.Count; v++)
                {
                    var vector = vectors.AsSpan(((j * views.Count) + v) * d, d).ToArray();
                    vector.CopyTo(output[views[v]].AsSpan(i * d, d));
                    _cache.Add(views[v], hashes[i], vector);
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

    private Dictionary<string, VectorRows> Rows(Dictionary<string, float[]> perView, int count) =>
        perView.ToDictionary(p => p.Key, p => new VectorRows(p.Value, count, Dimension));

    public void Dispose() => _extractor.Dispose();
}
