using System.Buffers;
using ImageSearch.Core.Imaging;

namespace ImageSearch.Core.Embedding;

/// <summary>
/// Embeds augmented views (<see cref="ViewAugmenter"/>) of photos with an <see cref="ImageEmbedder"/>'s model and
/// preprocessing: each photo is decoded once, each view rendered from it and then resized and centre-cropped like any
/// photo. View k of a photo depends only on its bytes, k and the augmentation settings, so a rebuild gets the same views.
/// </summary>
public sealed class AugmentedViewEmbedder
{
    private readonly ImageEmbedder _embedder;
    private readonly ViewAugmenter _augmenter;
    private readonly int _batchSize;

    public AugmentedViewEmbedder(ImageEmbedder embedder, ViewAugmenter augmenter, int batchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(augmenter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _embedder = embedder;
        _augmenter = augmenter;
        _batchSize = batchSize;
    }

    /// <summary>
    /// The L2-normalised embeddings of <paramref name="views"/> views of every photo, row-major: photo 0's views 0 to
    /// views − 1, then photo 1's. Throws <see cref="ImageDecodeException"/> for a photo that cannot be decoded.
    /// </summary>
    /// <param name="backgrounds">What padded views put their item on, one chosen by each view's seed (null or empty: grey).</param>
    public float[] Embed(IReadOnlyList<ReadOnlyMemory<byte>> photos, int views, IReadOnlyList<RgbImage>? backgrounds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photos);
        ArgumentOutOfRangeException.ThrowIfNegative(views);
        var d = _embedder.Dimension;
        var length = _embedder.Preprocessor.TensorLength;
        var tensorizer = _embedder.Preprocessor.Tensorizer;
        var output = new float[photos.Count * views * d];
        if (views == 0 || photos.Count == 0)
        {
            return output;
        }

        // A few photos at a time: their views are rendered in parallel, then embedded in batches.
        var perChunk = Math.Max(1, (_batchSize * 4) / views);
        var inputs = ArrayPool<float>.Shared.Rent(perChunk * views * length);
        try
        {
            for (var start = 0; start < photos.Count; start += perChunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(perChunk, photos.Count - start);
                Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                {
                    var bytes = photos[start + i].Span;
                    using var image = _embedder.Preprocessor.Decode(bytes);
                    for (var k = 0; k < views; k++)
                    {
                        var seed = _augmenter.SeedOf(bytes, k);
                        var background = backgrounds is { Count: > 0 } ? backgrounds[(int)((uint)seed % (uint)backgrounds.Count)] : null;
                        using var view = _augmenter.Render(image, seed, background);
                        tensorizer.Write(view, inputs.AsSpan(((i * views) + k) * length, length));
                    }
                });

                var tensors = count * views;
                for (var b = 0; b < tensors; b += _batchSize)
                {
                    var batch = Math.Min(_batchSize, tensors - b);
                    _embedder.Extractor.Extract(inputs.AsMemory(b * length, batch * length), batch, output.AsMemory(((start * views) + b) * d, batch * d));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(inputs);
        }

        return output;
    }
}
