using System.Buffers;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Core.Build.Augmentation;

/// <summary>
/// Embeds augmented views (<see cref="ViewAugmenter"/>) of photos with an <see cref="ImageEmbedder"/>'s model and
/// preprocessing: each photo is decoded once, each view rendered from it and then resized and centre-cropped like any
/// photo (views rendered at the preprocessing's resize size need no resize, so only that centre crop is rendered). View
/// k of a photo depends only on its bytes, k, the augmentation settings and the background it is given, so a rebuild
/// gets the same views (and can keep them: see the build's view cache).
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
    /// The L2-normalised embeddings of <paramref name="views"/> views of every photo, a row each: photo 0's views 0 to
    /// views − 1, then photo 1's. Throws <see cref="ImageDecodeException"/> for a photo that cannot be decoded.
    /// </summary>
    /// <param name="backgrounds">What padded views put their item on, one chosen by each view's seed (null or empty: grey).</param>
    public VectorRows Embed(IReadOnlyList<ReadOnlyMemory<byte>> photos, int views, IReadOnlyList<RgbImage>? backgrounds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photos);
        ArgumentOutOfRangeException.ThrowIfNegative(views);
        var requests = new Request[photos.Count * views];
        for (var i = 0; i < photos.Count; i++)
        {
            for (var k = 0; k < views; k++)
            {
                var background = backgrounds is { Count: > 0 } ? backgrounds[(int)((uint)_augmenter.SeedOf(photos[i].Span, k) % (uint)backgrounds.Count)] : null;
                requests[(i * views) + k] = new Request(i, k, background);
            }
        }

        return Embed(photos, requests, cancellationToken);
    }

    /// <summary>
    /// The L2-normalised embeddings of the requested views, a row each in the order of <paramref name="views"/>. A
    /// photo's requests are best kept together: each group of a photo's requests decodes it once. Views are rendered a
    /// few photos at a time on every core while the model embeds the previous few. Throws
    /// <see cref="ImageDecodeException"/> for a photo that cannot be decoded.
    /// </summary>
    public VectorRows Embed(IReadOnlyList<ReadOnlyMemory<byte>> photos, IReadOnlyList<Request> views, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(photos);
        ArgumentNullException.ThrowIfNull(views);
        var d = _embedder.Dimension;
        var output = new float[views.Count * d];
        if (views.Count == 0)
        {
            return new VectorRows(output, views.Count, d);
        }

        // Chunks of consecutive requests that end where a photo's run of requests ends, about four batches each.
        var chunks = new List<(int Start, int Count)>();
        for (var start = 0; start < views.Count;)
        {
            var end = Math.Min(views.Count, start + (_batchSize * 4));
            while (end < views.Count && views[end].Photo == views[end - 1].Photo)
            {
                end++;
            }

            chunks.Add((start, end - start));
            start = end;
        }

        var length = _embedder.Preprocessor.TensorLength;
        var capacity = chunks.Max(c => c.Count) * length;
        float[][] buffers = [ArrayPool<float>.Shared.Rent(capacity), ArrayPool<float>.Shared.Rent(capacity)];
        try
        {
            // Render chunk n + 1 while the model runs on chunk n: rendering is per-photo work on the thread pool, the
            // model's own threads run a batch, and neither keeps every core busy alone.
            var rendering = Task.Run(() => Render(photos, views, chunks[0], buffers[0], cancellationToken), cancellationToken);
            for (var c = 0; c < chunks.Count; c++)
            {
                rendering.GetAwaiter().GetResult();
                var inputs = buffers[c % 2];
                if (c + 1 < chunks.Count)
                {
                    var next = chunks[c + 1];
                    var into = buffers[(c + 1) % 2];
                    rendering = Task.Run(() => Render(photos, views, next, into, cancellationToken), cancellationToken);
                }

                var (start, count) = chunks[c];
                try
                {
                    for (var b = 0; b < count; b += _batchSize)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var batch = Math.Min(_batchSize, count - b);
                        _embedder.Extractor.Extract(inputs.AsMemory(b * length, batch * length), batch, output.AsMemory((start + b) * d, batch * d));
                    }
                }
                catch
                {
                    // Never leave a render running into a buffer that is about to go back to the pool.
                    rendering.ContinueWith(static _ => { }, TaskScheduler.Default).GetAwaiter().GetResult();
                    throw;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffers[0]);
            ArrayPool<float>.Shared.Return(buffers[1]);
        }

        return new VectorRows(output, views.Count, d);
    }

    /// <summary>
    /// One augmented view to embed: view number <paramref name="View"/> of photo <paramref name="Photo"/> (an index into
    /// the photos given), put on <paramref name="Background"/> when the view is padded (null: a grey canvas).
    /// </summary>
    public readonly record struct Request(int Photo, int View, RgbImage? Background);

    /// <summary>Renders and tensorizes one chunk of requests into <paramref name="inputs"/>, one task per photo run.</summary>
    private void Render(IReadOnlyList<ReadOnlyMemory<byte>> photos, IReadOnlyList<Request> views, (int Start, int Count) chunk, float[] inputs, CancellationToken cancellationToken)
    {
        var length = _embedder.Preprocessor.TensorLength;
        var tensorizer = _embedder.Preprocessor.Tensorizer;

        // Views already at the preprocessing's resize size need no resize: only the crop the model sees is rendered.
        var centreOnly = _augmenter.Options.OutputShortSide == tensorizer.Options.ResizeShortSide;
        var runs = new List<(int Start, int Count)>();
        for (var i = chunk.Start; i < chunk.Start + chunk.Count;)
        {
            var end = i + 1;
            while (end < chunk.Start + chunk.Count && views[end].Photo == views[i].Photo)
            {
                end++;
            }

            runs.Add((i, end - i));
            i = end;
        }

        try
        {
            Parallel.ForEach(runs, new ParallelOptions { CancellationToken = cancellationToken }, run =>
            {
                var bytes = photos[views[run.Start].Photo].Span;
                using var image = _embedder.Preprocessor.Decode(bytes);
                for (var r = run.Start; r < run.Start + run.Count; r++)
                {
                    var seed = _augmenter.SeedOf(bytes, views[r].View);
                    var input = inputs.AsSpan((r - chunk.Start) * length, length);
                    if (centreOnly)
                    {
                        using var centre = _augmenter.RenderCentre(image, seed, views[r].Background, tensorizer.Options.CropSize);
                        tensorizer.WriteCropped(centre, input);
                    }
                    else
                    {
                        using var view = _augmenter.Render(image, seed, views[r].Background);
                        tensorizer.Write(view, input);
                    }
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // The photo that could not be decoded, as a caller catches it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }
}
