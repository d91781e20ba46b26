using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using ImageSearch.Core.Build.Augmentation;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.LinearAlgebra;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Index;
using Microsoft.Extensions.Logging;

namespace ImageSearch.Core.Build.Indexing;

/// <summary>
/// Builds <c>index.csv</c> from a catalog as a pipeline: images are read, hashed, decoded and preprocessed on
/// <see cref="IndexBuildOptions.Threads"/> workers, run through the model in batches, and written in catalog order.
/// Memory stays bounded (a few batches of tensors in flight, whatever the catalog's size), and the previous index
/// is only replaced once every row is written — or never, when rows failed without <see cref="IndexBuildOptions.SkipFailed"/>,
/// or the build is cancelled.
/// </summary>
public sealed class IndexBuilder
{
    /// <summary>Catalog photos (evenly spaced) that padded augmented views may put their item on.</summary>
    private const int Backgrounds = 64;

    private readonly ImageEmbedder _embedder;
    private readonly ICatalogImageLoader _images;
    private readonly ILogger<IndexBuilder> _logger;

    public IndexBuilder(ImageEmbedder embedder, ICatalogImageLoader images, ILogger<IndexBuilder> logger)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(logger);
        _embedder = embedder;
        _images = images;
        _logger = logger;
    }

    public async Task<IndexBuildResult> BuildAsync(
        ProductCatalog catalog,
        string indexPath,
        IndexBuildOptions options,
        IProgress<IndexBuildProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(indexPath);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Threads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        indexPath = Path.GetFullPath(indexPath);
        var stopwatch = Stopwatch.StartNew();
        var notes = new List<string>();
        var (previous, previousMetadata) = options.Incremental ? LoadPrevious(indexPath, notes) : (null, null);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var prepared = Channel.CreateBounded<Row>(new BoundedChannelOptions(options.BatchSize * 2) { SingleReader = true });
        var embedded = Channel.CreateBounded<Row>(new BoundedChannelOptions(options.BatchSize * 4) { SingleReader = true, SingleWriter = true });
        var prepare = Task.Run(() => PrepareAsync(catalog, previous, options.Threads, prepared.Writer, cancel.Token), cancel.Token);
        var infer = Task.Run(() => InferAsync(prepared.Reader, embedded.Writer, options.BatchSize, cancel.Token), cancel.Token);
        var writer = new IndexCsvWriter(indexPath, _embedder.Dimension);
        try
        {
            var written = new List<(Product Product, ReadOnlyMemory<float> Vector)>(catalog.Count);
            var hashes = new List<string>(catalog.Count);
            var (built, reused, failures) = await WriteAsync(catalog, embedded.Reader, writer, written, hashes, progress, stopwatch, cancel.Token).ConfigureAwait(false);
            await Task.WhenAll(prepare, infer).ConfigureAwait(false);
            stopwatch.Stop();

            IndexMetadata? metadata = null;
            string? learning = null;
            ViewStatistics? viewStatistics = null;
            var write = failures.Count == 0 || options.SkipFailed;
            if (write)
            {
                var vectors = Matrix(written);
                var learner = new IndexLearning(_embedder, _logger);
                var photos = written.Select((r, i) => (r.Product, hashes[i])).ToList();
                var learns = options.MetricHead is not null || options.Calibration is not null;
                var decision = learns && previousMetadata is not null ? RetrainRule.Decide(previousMetadata, catalog, photos, options) : null;
                var reuse = decision is { Keep: true };
                AugmentedViews? views = null;
                if (!reuse && options.MetricHead is not null && options.AugmentViews > 0)
                {
                    (views, viewStatistics) = await EmbedViewsAsync(catalog, written, hashes, indexPath, options, notes, cancel.Token).ConfigureAwait(false);
                }

                var learned = reuse
                    ? learner.Reuse(previousMetadata!, vectors, decision!, notes)
                    : learner.Learn(written, vectors, options, notes, cancel.Token, views);
                var what = options.MetricHead is not null ? "metric head and calibration" : "calibration";
                learning = !learns ? null
                    : decision is not null ? $"{what}: {decision.Reason}"
                    : options.Incremental ? $"{what}: fitted (no previous index to keep them from)"
                    : $"{what}: fitted (a full build; --incremental keeps them while few rows change)";
                var basis = reuse ? decision!.Basis : new LearningBasis(written.Count, 0, RetrainRule.Labels(photos));

                // index.bin holds what is searched: the embeddings, or their projections when a metric head was trained.
                using var binary = WriteBinary(indexPath, written, learned.Searched, options, notes, cancel.Token);
                binary.Commit();
                var recall = MeasureCompactRecall(indexPath, learned.Searched, notes, cancel.Token);
                metadata = writer.Commit((bytes, hashes) => new IndexMetadata
                {
                    ModelSha256 = _embedder.Identity.ModelSha256,
                    Preprocessing = _embedder.Identity.Preprocessing,
                    Pooling = _embedder.Identity.Pooling,
                    Dimension = _embedder.Dimension,
                    RowCount = hashes.Count,
                    CatalogSha256 = catalog.Sha256,
                    CatalogPath = Path.GetRelativePath(Path.GetDirectoryName(indexPath)!, catalog.Path),
                    BuiltAt = DateTimeOffset.UtcNow,
                    BuildSeconds = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
                    IndexBytes = bytes,
                    ImageSha256 = hashes,
                    ScoreCalibration = learned.Calibration,
                    Projection = learned.Projection,
                    LearnedFrom = learns ? basis : null,
                    BinaryBytes = binary.Length,
                    CompactRecallAt10 = recall,
                    BinaryChecksum = binary.Checksum.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
                });
                _logger.LogInformation("Wrote {IndexPath}: {Rows} rows ({Built} embedded, {Reused} reused, {Failed} failed and skipped)",
                    indexPath, metadata.RowCount, built, reused, failures.Count);
            }
            else
            {
                notes.Add($"{failures.Count} row(s) failed, so {indexPath} was left as it was; fix them or pass --skip-failed.");
            }

            return new IndexBuildResult(catalog.Count, built, reused, failures, stopwatch.Elapsed, write, metadata, notes, learning, viewStatistics);
        }
        catch
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(prepare, infer).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
        finally
        {
            writer.Dispose();
        }
    }

    private VectorRows Matrix(List<(Product Product, ReadOnlyMemory<float> Vector)> rows)
    {
        var dimension = _embedder.Dimension;
        var vectors = new float[(long)rows.Count * dimension];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Vector.Span.CopyTo(vectors.AsSpan(i * dimension, dimension));
        }

        return new VectorRows(vectors, rows.Count, dimension);
    }

    /// <summary>index.bin beside index.csv, with compact codes for large catalogs; written, not yet visible.</summary>
    private static BinaryIndexDraft WriteBinary(string indexPath, List<(Product Product, ReadOnlyMemory<float> Vector)> rows, VectorRows vectors, IndexBuildOptions options, List<string> notes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var dimension = vectors.Dimension;
        var started = Stopwatch.StartNew();
        // The coarse pass reads at most a fifth of the axes: 256 of 1,280 embedding dimensions, 51 of a 256-d head's.
        var coarseDimension = Math.Min(options.CoarseDimension, Math.Max(1, dimension / 5));
        var compact = rows.Count >= Math.Max(2, options.CompactFromRows) && coarseDimension > 0 && coarseDimension < dimension;
        var quantizer = compact ? VectorQuantizer.Train(vectors) : null;
        var draft = BinaryIndexWriter.Write(BinaryIndexWriter.PathFor(indexPath), [.. rows.Select(r => r.Product.Id)], vectors, quantizer, coarseDimension);
        notes.Add(compact
            ? $"Wrote {BinaryIndexWriter.PathFor(indexPath)} with compact codes ({coarseDimension} coarse axes) in {started.Elapsed.TotalSeconds:F1} s."
            : $"Wrote {BinaryIndexWriter.PathFor(indexPath)} (exact search: fewer than {options.CompactFromRows} rows).");
        return draft;
    }

    /// <summary>
    /// Recall is measured, not assumed: up to 100 products, spread over the catalog, each search the compact index
    /// for their 10 nearest other products, compared with an exact search. Null when index.bin has no compact codes.
    /// </summary>
    private double? MeasureCompactRecall(string indexPath, VectorRows vectors, List<string> notes, CancellationToken cancellationToken)
    {
        using var binary = BinaryIndexFile.Open(BinaryIndexWriter.PathFor(indexPath), verifyVectors: false);
        if (binary.Quantizer is null)
        {
            return null;
        }

        var compact = binary.CreateSearchIndex(new CompactSearchOptions(), compactFromRows: 0);
        var exact = new VectorIndex(vectors);
        var queries = Math.Min(100, binary.Rows);
        var found = 0;
        var expected = 0;
        for (var i = 0; i < queries; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = (int)((long)i * binary.Rows / queries);
            bool Others(int r) => r != row;
            var truth = exact.Search(exact.Vector(row), 10, Others).Select(h => h.Row).ToHashSet();
            found += compact.Search(exact.Vector(row), 10, Others).Count(h => truth.Contains(h.Row));
            expected += truth.Count;
        }

        var recall = Math.Round(found / (double)Math.Max(1, expected), 4);
        notes.Add(recall >= 0.99
            ? $"Compact search recall@10 on {queries} of the catalog's own products: {recall:F4} (exact search agrees)."
            : $"Compact search recall@10 on {queries} of the catalog's own products is only {recall:F4}: rebuild with more --coarse-dimensions, or raise ImageSearch:Index:Compact:CoarseCandidates (docs/benchmarks.md).");
        _logger.LogInformation("{Recall}", notes[^1]);
        return recall;
    }

    /// <summary>Vectors of the previous index by image hash, when it was built with the same model and preprocessing, and its metadata.</summary>
    private (Dictionary<string, ReadOnlyMemory<float>>? Vectors, IndexMetadata? Metadata) LoadPrevious(string indexPath, List<string> notes)
    {
        if (!File.Exists(indexPath))
        {
            notes.Add("--incremental: no previous index, so every row was embedded.");
            return (null, null);
        }

        try
        {
            var previous = IndexFile.Load(indexPath);
            previous.Metadata.EnsureCompatibleWith(_embedder.Identity, indexPath);
            var byHash = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
            var dimension = previous.Vectors.Dimension;
            var row = 0;
            foreach (var hash in previous.Metadata.ImageSha256.Values)
            {
                byHash.TryAdd(hash, previous.Vectors.Rows.Values.Slice(row * dimension, dimension));
                row++;
            }

            return (byHash, previous.Metadata);
        }
        catch (IndexFormatException e)
        {
            notes.Add($"--incremental: the previous index cannot be reused ({e.Message}), so every row was embedded.");
            return (null, null);
        }
    }

    /// <summary>
    /// <see cref="IndexBuildOptions.AugmentViews"/> augmented views of the written rows' photos (of every row up to the
    /// number of rows the head's trainer takes, evenly spaced rows beyond) for the metric head to train on. Views the
    /// view cache (<see cref="AugmentedViewCache"/>) holds are taken from it; the others are embedded a few hundred
    /// photos at a time, so time and memory stay bounded, and the cache is then rewritten with exactly this build's
    /// views. Null, with a note, when a photo can no longer be read.
    /// </summary>
    /// <remarks>
    /// Padded views put their item on one of up to <see cref="Backgrounds"/> catalog photos: those with the smallest
    /// SHA-256, so that edits elsewhere in the catalog leave the set alone. Each view takes the candidate that ranks
    /// first for its photo and number (rendezvous hashing): when one candidate changes, only the views that ranked it
    /// (or now rank its successor) first get another background, and only they miss the cache.
    /// </remarks>
    private async Task<(AugmentedViews? Views, ViewStatistics? Statistics)> EmbedViewsAsync(
        ProductCatalog catalog, List<(Product Product, ReadOnlyMemory<float> Vector)> written, List<string> hashes, string indexPath,
        IndexBuildOptions options, List<string> notes, CancellationToken cancellationToken)
    {
        const int Chunk = 256;
        var embedder = new AugmentedViewEmbedder(_embedder, new ViewAugmenter(options.ViewAugmentation), options.BatchSize);
        var d = _embedder.Dimension;
        var perRow = options.AugmentViews;
        var rows = AugmentedViews.ChooseRows(written.Count, perRow, options.MetricHead!.MaxTrainingRows);
        var views = new float[rows.Length * perRow * d];

        var candidates = Enumerable.Range(0, written.Count).DistinctBy(i => hashes[i]).OrderBy(i => hashes[i], StringComparer.Ordinal).Take(Backgrounds).ToArray();
        var keys = new AugmentedViewCache.Key[rows.Length * perRow];
        var backgroundOf = new int[keys.Length];
        for (var v = 0; v < keys.Length; v++)
        {
            var photo = hashes[rows[v / perRow]];
            backgroundOf[v] = ChooseBackground(photo, v % perRow, candidates, hashes);
            keys[v] = new AugmentedViewCache.Key(photo, v % perRow, backgroundOf[v] < 0 ? null : hashes[backgroundOf[v]]);
        }

        var identity = _embedder.Identity;
        var settings = AugmentedViewCache.Settings(identity.ModelSha256, identity.Preprocessing, identity.Pooling, d, options.ViewAugmentation.Describe());
        var cachePath = AugmentedViewCache.PathFor(indexPath);
        var cache = AugmentedViewCache.Load(cachePath, settings, d, out var problem);
        var missing = Enumerable.Range(0, keys.Length).Where(v => !cache.TryGet(keys[v], views.AsSpan(v * d, d))).ToList();

        var stopwatch = Stopwatch.StartNew();
        var backgrounds = new Dictionary<int, RgbImage>();
        try
        {
            async Task<ReadOnlyMemory<byte>[]> LoadAsync(IReadOnlyList<int> of)
            {
                var photos = new ReadOnlyMemory<byte>[of.Count];
                await Parallel.ForAsync(0, of.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellationToken }, async (i, ct) =>
                    photos[i] = await _images.LoadAsync(catalog.LocateImage(written[of[i]].Product), ct).ConfigureAwait(false)).ConfigureAwait(false);
                return photos;
            }

            int[] needed = [.. missing.Select(v => backgroundOf[v]).Where(b => b >= 0).Distinct()];
            var loaded = await LoadAsync(needed).ConfigureAwait(false);
            for (var i = 0; i < needed.Length; i++)
            {
                backgrounds.Add(needed[i], _embedder.Preprocessor.Decode(loaded[i].Span));
            }

            // Missing views are in row order, so each chunk's requests keep a photo's views together.
            int[] photoRows = [.. missing.Select(v => rows[v / perRow]).Distinct()];
            for (var start = 0; start < photoRows.Length; start += Chunk)
            {
                var chunk = photoRows.AsSpan(start, Math.Min(Chunk, photoRows.Length - start)).ToArray();
                var photos = await LoadAsync(chunk).ConfigureAwait(false);
                var position = chunk.Select((row, i) => (row, i)).ToDictionary(p => p.row, p => p.i);
                int[] these = [.. missing.Where(v => position.ContainsKey(rows[v / perRow]))];
                var requests = these.Select(v => new AugmentedViewEmbedder.Request(
                    position[rows[v / perRow]], v % perRow, backgroundOf[v] < 0 ? null : backgrounds[backgroundOf[v]])).ToArray();
                var embedded = embedder.Embed(photos, requests, cancellationToken);
                for (var j = 0; j < these.Length; j++)
                {
                    embedded.Row(j).CopyTo(views.AsSpan(these[j] * d, d));
                }
            }
        }
        catch (Exception e) when (e is ImageLoadException or ImageDecodeException)
        {
            notes.Add($"augmented views: not used, a catalog photo could not be read again ({e.Message}).");
            return (null, null);
        }
        finally
        {
            foreach (var background in backgrounds.Values)
            {
                background.Dispose();
            }
        }

        var statistics = new ViewStatistics(missing.Count, keys.Length - missing.Count, stopwatch.Elapsed.TotalSeconds);
        var embeddings = new VectorRows(views, keys.Length, d);
        if (missing.Count > 0 || cache.Count != keys.Length)
        {
            try
            {
                AugmentedViewCache.Save(cachePath, settings, keys, embeddings);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                notes.Add($"augmented views: the view cache {cachePath} could not be written ({e.Message}); the next build embeds them again.");
            }
        }

        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"augmented views: {perRow} of each of {rows.Length} photos for the metric head: {statistics.Reused} from {Path.GetFileName(cachePath)}, {statistics.Embedded} embedded in {statistics.Seconds:F1} s ({statistics.ViewsPerSecond:F0} views/s).")
            + (problem is null ? string.Empty : $" The view cache was not used: {problem}."));
        _logger.LogInformation("{Note}", notes[^1]);
        return (new AugmentedViews(embeddings, rows, perRow), statistics);
    }

    /// <summary>
    /// The candidate row whose photo view <paramref name="view"/> of <paramref name="photo"/> is put on when padded: the
    /// one with the highest hash of (photo, view, candidate's photo); −1 without candidates.
    /// </summary>
    private static int ChooseBackground(string photo, int view, int[] candidates, List<string> hashes)
    {
        static ulong Prefix(string hex) => ulong.Parse(hex.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        static ulong Mix(ulong x)
        {
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }

        var seed = Mix(Prefix(photo) ^ ((ulong)(view + 1) * 0x9E3779B97F4A7C15UL));
        var best = -1;
        var bestScore = 0UL;
        foreach (var candidate in candidates)
        {
            var score = Mix(seed ^ Prefix(hashes[candidate]));
            if (best < 0 || score > bestScore)
            {
                (best, bestScore) = (candidate, score);
            }
        }

        return best;
    }

    private async Task PrepareAsync(ProductCatalog catalog, Dictionary<string, ReadOnlyMemory<float>>? previous, int threads, ChannelWriter<Row> output, CancellationToken cancellationToken)
    {
        try
        {
            var rows = catalog.Products.Select((product, sequence) => (product, sequence));
            await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, async (item, ct) =>
            {
                var row = new Row(item.sequence, item.product);
                try
                {
                    var bytes = await _images.LoadAsync(catalog.LocateImage(item.product), ct).ConfigureAwait(false);
                    row.ImageSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
                    if (previous is not null && previous.TryGetValue(row.ImageSha256, out var vector))
                    {
                        row.Vector = vector;
                        row.Reused = true;
                    }
                    else
                    {
                        row.Tensor = ArrayPool<float>.Shared.Rent(_embedder.Preprocessor.TensorLength);
                        _embedder.Preprocessor.Preprocess(bytes, row.Tensor);
                    }
                }
                catch (ImageLoadException e)
                {
                    row.Fail(e.Message);
                }
                catch (ImageDecodeException e)
                {
                    row.Fail($"{e.Error.Describe()}: {e.Message}");
                }

                await output.WriteAsync(row, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
            throw;
        }
    }

    private async Task InferAsync(ChannelReader<Row> input, ChannelWriter<Row> output, int batchSize, CancellationToken cancellationToken)
    {
        var length = _embedder.Preprocessor.TensorLength;
        var dimension = _embedder.Dimension;
        var inputs = new float[batchSize * length];
        var embeddings = new float[batchSize * dimension];
        var batch = new List<Row>(batchSize);
        try
        {
            while (await input.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (input.TryRead(out var row))
                {
                    if (row.Tensor is null)
                    {
                        await output.WriteAsync(row, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    row.Tensor.AsSpan(0, length).CopyTo(inputs.AsSpan(batch.Count * length, length));
                    ArrayPool<float>.Shared.Return(row.Tensor);
                    row.Tensor = null;
                    batch.Add(row);
                    if (batch.Count == batchSize)
                    {
                        await FlushAsync().ConfigureAwait(false);
                    }
                }

                // Nothing more ready right now: run what we have rather than wait for a full batch.
                if (batch.Count > 0)
                {
                    await FlushAsync().ConfigureAwait(false);
                }
            }

            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
            throw;
        }

        async Task FlushAsync()
        {
            _embedder.Extractor.Extract(inputs, batch.Count, embeddings);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Vector = embeddings.AsSpan(i * dimension, dimension).ToArray();
                await output.WriteAsync(batch[i], cancellationToken).ConfigureAwait(false);
            }

            batch.Clear();
        }
    }

    private static async Task<(int Built, int Reused, List<FailedRow> Failures)> WriteAsync(
        ProductCatalog catalog, ChannelReader<Row> input, IndexCsvWriter writer, List<(Product Product, ReadOnlyMemory<float> Vector)> written, List<string> hashes,
        IProgress<IndexBuildProgress>? progress, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        var pending = new Dictionary<int, Row>();
        var failures = new List<FailedRow>();
        int next = 0, built = 0, reused = 0;
        await foreach (var row in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Add(row.Sequence, row);
            while (pending.Remove(next, out var ready))
            {
                if (ready.Failure is { } reason)
                {
                    failures.Add(new FailedRow(ready.Product.Line, ready.Product.Id, reason));
                }
                else
                {
                    writer.WriteRow(ready.Product.Id, ready.Vector.Span, ready.ImageSha256!);
                    written.Add((ready.Product, ready.Vector));
                    hashes.Add(ready.ImageSha256!);
                    _ = ready.Reused ? reused++ : built++;
                }

                next++;
                progress?.Report(new IndexBuildProgress(next, catalog.Count, built, reused, failures.Count, stopwatch.Elapsed));
            }
        }

        if (next != catalog.Count)
        {
            throw new InvalidOperationException($"The pipeline ended after {next} of {catalog.Count} rows.");
        }

        return (built, reused, failures);
    }

    private sealed class Row(int sequence, Product product)
    {
        public int Sequence { get; } = sequence;

        public Product Product { get; } = product;

        public string? ImageSha256 { get; set; }

        public float[]? Tensor { get; set; }

        public ReadOnlyMemory<float> Vector { get; set; }

        public bool Reused { get; set; }

        public string? Failure { get; private set; }

        public void Fail(string reason)
        {
            Failure = reason;
            if (Tensor is not null)
            {
                ArrayPool<float>.Shared.Return(Tensor);
                Tensor = null;
            }
        }
    }
}
