using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Bench;

/// <summary>
/// The large-catalog table of docs/benchmarks.md: for synthetic catalogs of 10k, 100k and 1M products it writes index.bin (and products.csv and
/// metadata) once under artifacts/large-catalog, then, in a fresh process per catalog so memory is measured cleanly,
/// loads it the way the API does and prints load time, memory, search latency (one query at a time, all cores) and
/// recall@10 against exact float32 search, unfiltered and with a 1-in-17 category filter.
/// <para>
/// Two kinds of vectors: <c>random</c> (uniform unit vectors: speed only — they have no structure any index could
/// use) and <c>real</c> (the sample catalog's embeddings, each repeated with Gaussian noise; the noise is sized so that
/// copies of one product are as close as real nearest neighbours are, cosine ≈ 0.8; queries are 100 real embeddings
/// left out of the catalog).
/// </para>
/// <code>dotnet run --project bench -c Release -- large-catalog [--sizes 10000,100000,1000000] [--kinds random,real] [--candidates 2000,200]</code>
/// </summary>
public static class LargeCatalogBenchmark
{
    private const int Dimension = 1280;
    private const int Queries = 100;
    private const int K = 10;
    private const float Noise = 0.5f;
    private const int HeldOut = Queries;

    public static int Run(string[] args)
    {
        var sizes = Option(args, "--sizes", "10000,100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var kinds = Option(args, "--kinds", "random,real").Split(',');
        var root = Path.GetFullPath(Option(args, "--folder", Path.Combine("artifacts", "large-catalog")));
        Console.WriteLine("| vectors | products | index load (s) | index memory (MiB) | service load (s) | service memory (MiB) | search | p50 (ms) | p99 (ms) | recall@10 | filtered p50 (ms) | filtered recall@10 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var kind in kinds)
        {
            foreach (var size in sizes)
            {
                var folder = Path.Combine(root, $"{kind}-{size}");
                if (!File.Exists(Path.Combine(folder, "truth.bin")))
                {
                    Prepare(folder, kind, size);
                }

                var candidates = Option(args, "--candidates", $"{new CompactSearchOptions().CoarseCandidates},{new CompactSearchOptions().ExactCandidates}");
                using var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, [.. HostArguments(), "large-catalog-measure", folder, kind, candidates])
                {
                    RedirectStandardOutput = true,
                })!;
                Console.WriteLine(child.StandardOutput.ReadToEnd().TrimEnd());
                child.WaitForExit();
            }
        }

        return 0;
    }

    /// <summary>Run as <c>dotnet bench.dll</c> the child needs the assembly; run through the apphost (<c>dotnet run</c>) it must not get it.</summary>
    private static string[] HostArguments() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? [typeof(LargeCatalogBenchmark).Assembly.Location] : [];

    /// <summary>
    /// In a fresh process: the index alone (mapped and checked, as the API does), then the whole service (catalog,
    /// metadata and index, through the API's loader), then searches.
    /// </summary>
    public static int Measure(string folder, string kind, string candidates)
    {
        var before = Memory.Read();
        var stopwatch = Stopwatch.StartNew();
        var counts = candidates.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var options = new IndexLoadOptions { Compact = new CompactSearchOptions { CoarseCandidates = counts[0], ExactCandidates = counts[1] } };
        using (var binary = BinaryIndexFile.Open(Path.Combine(folder, "index.bin"), options.VerifyVectors))
        {
            GC.KeepAlive(binary.CreateSearchIndex(options.Compact, options.CompactFromRows));
            var indexLoad = stopwatch.Elapsed.TotalSeconds;
            var index = Memory.Read() - before;
            Console.Write(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {binary.Rows:N0} | {indexLoad:F2} | {index.Total:F0} ({index.AnonymousMiB:F0} + {index.FileMiB:F0} mapped) "));
        }

        before = Memory.Read();
        stopwatch.Restart();
        using var service = CatalogSnapshot.Load(Path.Combine(folder, "products.csv"), Path.Combine(folder, "index.csv"), Identity, options);
        var serviceLoad = stopwatch.Elapsed.TotalSeconds;
        var (queries, truth, filteredTruth) = ReadTruth(folder);
        var unfiltered = new SearchRequest(K, -1f);
        var filtered = new SearchRequest(K, -1f, new ProductFilter { Categories = ProductFilter.CategorySet(["c0"]) });
        for (var i = 0; i < 5; i++)
        {
            service.Search(QueryEmbedding.Features(queries[i]), unfiltered);
        }

        var (p50, p99, recall) = Run(service, queries, truth, unfiltered);
        var (fp50, _, frecall) = Run(service, queries, filteredTruth, filtered);
        var total = Memory.Read() - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {serviceLoad:F2} | {total.Total:F0} | {service.Storage} | {p50:F2} | {p99:F2} | {recall:F4} | {fp50:F2} | {frecall:F4} |"));
        return 0;
    }

    internal static (double P50, double P99, double Recall) Run(CatalogSnapshot service, float[][] queries, int[][] truth, SearchRequest request)
    {
        var times = new double[queries.Length];
        var found = 0;
        var expected = 0;
        for (var q = 0; q < queries.Length; q++)
        {
            var started = Stopwatch.GetTimestamp();
            var matches = service.Search(QueryEmbedding.Features(queries[q]), request);
            times[q] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var ids = truth[q].Select(row => "p" + row.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
            found += matches.Count(m => ids.Contains(m.Product.Id));
            expected += ids.Count;
        }

        Array.Sort(times);
        return (times[times.Length / 2], times[(int)Math.Ceiling(times.Length * 0.99) - 1], found / (double)expected);
    }

    private static readonly EmbedderIdentity Identity = new(new string('b', 64), "bench", Dimension);

    private static void Prepare(string folder, string kind, int size)
    {
        Directory.CreateDirectory(folder);
        var stopwatch = Stopwatch.StartNew();
        var (vectors, queries) = kind == "real" ? RealWithNoise(size) : (SyntheticUniform(size, seed: 42), Rows(SyntheticUniform(Queries, seed: 7)));
        var ids = Enumerable.Range(0, size).Select(i => "p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var rows = new VectorRows(vectors, size, Dimension);
        var quantizer = size >= new IndexLoadOptions().CompactFromRows ? VectorQuantizer.Train(rows) : null;
        using (var binary = BinaryIndexWriter.Write(Path.Combine(folder, "index.bin"), ids, rows, quantizer, 256))
        {
            binary.Commit();
            var catalog = new StringBuilder("id,name,category,price,image_url\n");
            for (var i = 0; i < size; i++)
            {
                catalog.Append(CultureInfo.InvariantCulture, $"p{i},Product {i},c{i % 17},{(i % 100) + 0.99},images/p{i}.jpg\n");
            }

            File.WriteAllText(Path.Combine(folder, "products.csv"), catalog.ToString());
            var metadata = new IndexMetadata
            {
                ModelSha256 = Identity.ModelSha256,
                Preprocessing = Identity.Preprocessing,
                Dimension = Dimension,
                RowCount = size,
                CatalogSha256 = new string('0', 64),
                CatalogPath = "products.csv",
                BuiltAt = DateTimeOffset.UtcNow,
                IndexBytes = 0,
                ImageSha256 = ids.ToDictionary(id => id, _ => new string('0', 64)),
                BinaryBytes = binary.Length,
                BinaryChecksum = binary.Checksum.ToString("x8", CultureInfo.InvariantCulture),
            };
            File.WriteAllBytes(IndexMetadata.PathFor(Path.Combine(folder, "index.csv")), metadata.ToJson());
        }

        // The truth: exact float32 top-k, unfiltered and among rows of category c0 (every 17th).
        var exact = new VectorIndex(rows);
        using var truth = new BinaryWriter(File.Create(Path.Combine(folder, "truth.bin")));
        truth.Write(queries.Length);
        foreach (var query in queries)
        {
            foreach (var value in query)
            {
                truth.Write(value);
            }

            foreach (var include in new Func<int, bool>?[] { null, row => row % 17 == 0 })
            {
                foreach (var hit in exact.Search(query, K, include))
                {
                    truth.Write(hit.Row);
                }
            }
        }

        Console.Error.WriteLine($"prepared {kind}-{size} in {stopwatch.Elapsed.TotalSeconds:F0} s");
    }

    internal static (float[][] Queries, int[][] Truth, int[][] Filtered) ReadTruth(string folder)
    {
        using var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, "truth.bin")));
        var count = reader.ReadInt32();
        var queries = new float[count][];
        var truth = new int[count][];
        var filtered = new int[count][];
        for (var q = 0; q < count; q++)
        {
            queries[q] = Enumerable.Range(0, Dimension).Select(_ => reader.ReadSingle()).ToArray();
            truth[q] = Enumerable.Range(0, K).Select(_ => reader.ReadInt32()).ToArray();
            filtered[q] = Enumerable.Range(0, K).Select(_ => reader.ReadInt32()).ToArray();
        }

        return (queries, truth, filtered);
    }

    private static float[][] Rows(float[] matrix) =>
        [.. Enumerable.Range(0, matrix.Length / Dimension).Select(r => matrix.AsSpan(r * Dimension, Dimension).ToArray())];

    private static float[] SyntheticUniform(int rows, int seed)
    {
        var vectors = new float[(long)rows * Dimension];
        Parallel.For(0, (rows + 4095) / 4096, block =>
        {
            var random = new Random(seed + block);
            for (var r = block * 4096; r < Math.Min(rows, (block + 1) * 4096); r++)
            {
                var row = vectors.AsSpan(r * Dimension, Dimension);
                for (var i = 0; i < Dimension; i++)
                {
                    row[i] = Gaussian(random);
                }

                TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
            }
        });
        return vectors;
    }

    private static (float[] Vectors, float[][] Queries) RealWithNoise(int rows)
    {
        var real = RealEmbeddings();
        var bases = (real.Length / Dimension) - HeldOut;
        var queries = Enumerable.Range(0, HeldOut).Select(q => real.AsSpan(q * Dimension, Dimension).ToArray()).ToArray();
        var vectors = new float[(long)rows * Dimension];
        Parallel.For(0, (rows + 4095) / 4096, block =>
        {
            var random = new Random(1000 + block);
            for (var r = block * 4096; r < Math.Min(rows, (block + 1) * 4096); r++)
            {
                var row = vectors.AsSpan(r * Dimension, Dimension);
                real.AsSpan((HeldOut + (r % bases)) * Dimension, Dimension).CopyTo(row);
                for (var i = 0; i < Dimension; i++)
                {
                    row[i] += Noise * Gaussian(random) / MathF.Sqrt(Dimension);
                }

                TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
            }
        });
        return (vectors, queries);
    }

    /// <summary>The sample catalog's embeddings: data/index.csv when ./run.sh has built it, else the mirror's photos embedded now.</summary>
    private static float[] RealEmbeddings()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            var index = Path.Combine(directory.FullName, "data", "index.csv");
            if (File.Exists(index))
            {
                return IndexCsvReader.Read(index).Rows.Array;
            }
        }

        using var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = BenchData.PreparedModel });
        var photos = BenchData.ClothingPhotos(int.MaxValue);
        var vectors = new float[photos.Count * Dimension];
        for (var i = 0; i < photos.Count; i++)
        {
            embedder.Embed(photos[i]).CopyTo(vectors.AsSpan(i * Dimension, Dimension));
        }

        return vectors;
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    internal static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>Resident memory from /proc/self/status: anonymous (heap) and file-backed (mapped index) pages.</summary>
    private readonly record struct Memory(long Anonymous, long File)
    {
        public static Memory Read()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            long anonymous = 0, file = 0;
            if (OperatingSystem.IsLinux())
            {
                foreach (var line in System.IO.File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                    {
                        anonymous = Kilobytes(line) * 1024;
                    }
                    else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                    {
                        file = Kilobytes(line) * 1024;
                    }
                }
            }

            return new Memory(anonymous, file);
        }

        public double AnonymousMiB => Anonymous / 1048576.0;

        public double FileMiB => File / 1048576.0;

        public double Total => AnonymousMiB + FileMiB;

        public static Memory operator -(Memory a, Memory b) => new(a.Anonymous - b.Anonymous, a.File - b.File);

        private static long Kilobytes(string line) =>
            long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
