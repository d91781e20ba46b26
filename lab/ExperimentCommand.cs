#pragma warning disable CA1861, CA1859 // an experiment harness: literal parameter grids read best
using System.CommandLine;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using ImageSearch.Lab.Experiments;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Extensions.Logging.Abstractions;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab;

/// <summary>
/// <c>lab experiment --catalog C.csv --queries Q.csv --feature-map-model M.onnx</c>: the retrieval experiments' harness. Embeds
/// the catalog (and its mirror images) and the queries once through a feature-map model, caches the pooled vectors,
/// then measures pooling, post-processing, query expansion and database-side augmentation on the tuning and held-out
/// halves of the queries, printing one Markdown table row per technique.
/// </summary>
internal static class ExperimentCommand
{
    private static readonly string[] Poolings = ["average", "gem-p2", "gem-p3", "gem-p4", "rmac"];

    public static Command Create()
    {
        var catalogOption = new Option<FileInfo>("--catalog") { Required = true };
        var queriesOption = new Option<FileInfo>("--queries") { Required = true };
        var modelOption = new Option<FileInfo>("--feature-map-model") { Description = "A model prepared with prepare-model --feature-map (plans pooling, post, rerank)." };
        var cacheOption = new Option<DirectoryInfo>("--cache") { Description = "Where pooled vectors are cached (plans pooling, post, rerank)." };
        var merge = new Option<string[]>("--merge") { AllowMultipleArgumentsPerToken = false };
        var plan = new Option<string>("--plan") { Description = "Which table: pooling, post, rerank or all (feature-map model); crops, head, head-one, calibration, extras (the engine's model); latency.", DefaultValueFactory = _ => "all" };
        var model = LabOptions.Model();
        var features = new Option<DirectoryInfo>("--features")
        {
            Description = "Where the crops/head plans cache embeddings (by image SHA-256, model, preprocessing and variant: crop or augmented view).",
            DefaultValueFactory = _ => new DirectoryInfo("artifacts/features"),
        };
        var only = new Option<string?>("--only") { Description = "Only the rows whose name contains this." };
        var headDimension = new Option<int>("--head-dimension") { Description = "The metric head the calibration and extras plans train.", DefaultValueFactory = _ => 256 };
        var headTemperature = new Option<float>("--head-temperature") { DefaultValueFactory = _ => 0.1f };
        var headRate = new Option<float>("--head-lr") { DefaultValueFactory = _ => new ImageSearch.Core.Build.Learning.MetricHeadOptions().LearningRate };
        var headEpochs = new Option<int>("--head-epochs") { DefaultValueFactory = _ => new ImageSearch.Core.Build.Learning.MetricHeadOptions().MaxEpochs };
        var headRegularization = new Option<float>("--head-reg") { DefaultValueFactory = _ => new ImageSearch.Core.Build.Learning.MetricHeadOptions().Regularization };
        var headLoss = new Option<string>("--head-loss") { DefaultValueFactory = _ => "softmax" };
        var headSeed = new Option<int>("--head-seed") { DefaultValueFactory = _ => new ImageSearch.Core.Build.Learning.MetricHeadOptions().Seed };
        var headValidation = new Option<double>("--head-validation-share") { DefaultValueFactory = _ => new ImageSearch.Core.Build.Learning.MetricHeadOptions().ValidationShare };
        var augPresets = new Option<string>("--aug-presets") { Description = "Plan augment: comma-separated presets (crop, geo, color, full, clutter, strong).", DefaultValueFactory = _ => "crop,color,full,clutter" };
        var augViews = new Option<string>("--aug-views") { Description = "Plan augment: comma-separated numbers of augmented views per catalog photo.", DefaultValueFactory = _ => "4,8" };
        var command = new Command("experiment", "Measure retrieval techniques on tuning and held-out queries.")
        {
            catalogOption, queriesOption, modelOption, cacheOption, merge, plan, model, features, only, headDimension, headTemperature, headRate, headEpochs, headRegularization, headLoss, headSeed, headValidation, augPresets, augViews,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(plan) == "latency")
            {
                LatencyPlan.Run();
                return 0;
            }

            var catalog = CatalogReader.Read(parse.GetRequiredValue(catalogOption).FullName);
            var queries = QuerySetReader.Read(parse.GetRequiredValue(queriesOption).FullName);
            var merged = CategoryMerge.Of((parse.GetValue(merge) ?? []).Select(set => set.Split('|', StringSplitOptions.TrimEntries)));
            var which = parse.GetValue(plan)!;
            if (which is "crops" or "head" or "head-one" or "calibration" or "extras" or "vote" or "augment" or "augment-rerank")
            {
                using var embedder = new VariantEmbedder(FeatureModelFile.Resolve(parse.GetValue(model)), parse.GetValue(features)!.FullName);
                var catalogVariants = which.StartsWith("augment", StringComparison.Ordinal) ? ["centre"] : PhotoVariants.Crops;
                var queryVariants = which.StartsWith("augment", StringComparison.Ordinal) ? ["centre"] : CropPlan.QueryCrops;
                var modelLab = new Experiments.Lab(new LabData(catalog, queries, embedder, catalogVariants, queryVariants), merged);
                var head = new ImageSearch.Core.Build.Learning.MetricHeadOptions
                {
                    Dimension = parse.GetValue(headDimension),
                    Temperature = parse.GetValue(headTemperature),
                    LearningRate = parse.GetValue(headRate),
                    MaxEpochs = parse.GetValue(headEpochs),
                    Regularization = parse.GetValue(headRegularization),
                    Loss = parse.GetValue(headLoss) == "triplet" ? Core.Build.Learning.MetricLoss.Triplet : Core.Build.Learning.MetricLoss.Softmax,
                    Seed = parse.GetValue(headSeed),
                    ValidationShare = parse.GetValue(headValidation),
                };
                switch (which)
                {
                    case "crops":
                        CropPlan.Run(modelLab);
                        break;
                    case "head":
                        HeadPlan.Run(modelLab, parse.GetValue(only));
                        break;
                    case "head-one":
                        HeadPlan.Run(modelLab, parse.GetValue(only), head);
                        break;
                    case "calibration":
                        CalibrationPlan.Run(modelLab, head);
                        break;
                    case "vote":
                        VotePlan.Run(modelLab, head);
                        break;
                    case "augment" or "augment-rerank":
                        var paths = catalog.Products.Select(p => catalog.LocateImage(p).FilePath!).ToList();
                        var presets = parse.GetValue(augPresets)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                        var counts = parse.GetValue(augViews)!.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                        if (which == "augment")
                        {
                            AugmentPlan.Run(modelLab, embedder, paths, presets, counts, head, parse.GetValue(only));
                        }
                        else
                        {
                            AugmentRerankPlan.Run(modelLab, embedder, paths, presets[0], counts[0], head);
                        }

                        break;
                    default:
                        ExtrasPlan.Run(modelLab, head);
                        break;
                }

                return 0;
            }

            if (parse.GetValue(modelOption) is null || parse.GetValue(cacheOption) is null)
            {
                Console.Error.WriteLine($"experiment: --plan {which} needs --feature-map-model and --cache.");
                return 2;
            }

            var cache = parse.GetValue(cacheOption)!;
            cache.Create();
            var sets = Embed(catalog, queries, parse.GetValue(modelOption)!.FullName, cache.FullName);
            var lab = new Lab(catalog, queries, merged);
            Console.WriteLine(lab.Header());
            if (which is "pooling" or "all")
            {
                foreach (var pooling in Poolings)
                {
                    Console.WriteLine(lab.Row(pooling, sets[pooling].Catalog, sets[pooling].Queries));
                }

                var flip = sets["gem-p3"];
                var averaged = Average(flip.Catalog, sets["gem-p3+flip"].Catalog);
                Console.WriteLine(lab.Row("gem-p3, catalog = mean(image, mirror image)", averaged, flip.Queries));
            }

            if (which is "post" or "all")
            {
                foreach (var pooling in new[] { "average", "gem-p3" })
                {
                    var (db, q) = sets[pooling];
                    foreach (var power in new[] { 1f, 0.5f })
                    {
                        var tag = power == 1 ? pooling : $"{pooling}, signed sqrt";
                        if (power != 1)
                        {
                            var p = VectorPostprocessor.Fit(db, new PostprocessOptions { Power = power, Center = false, Whiten = false });
                            Console.WriteLine(lab.Row(tag, p.ApplyAll(db), p.ApplyAll(q)));
                        }

                        var centre = VectorPostprocessor.Fit(db, new PostprocessOptions { Power = power, Whiten = false });
                        Console.WriteLine(lab.Row($"{tag}, centred", centre.ApplyAll(db), centre.ApplyAll(q)));
                        var pca = VectorPostprocessor.ComputePca(db, power);
                        foreach (var shrinkage in new[] { 0.01f, 0.1f, 0.3f, 1f, 3f })
                        {
                            foreach (var dims in new int?[] { null, 256 })
                            {
                                var w = VectorPostprocessor.FromPca(pca, new PostprocessOptions { Power = power, Shrinkage = shrinkage, Dimensions = dims });
                                Console.WriteLine(lab.Row($"{tag}, whitened s={shrinkage}{(dims is null ? "" : $" d={dims}")}", w.ApplyAll(db), w.ApplyAll(q)));
                            }
                        }
                    }
                }
            }

            if (which is "rerank" or "all")
            {
                var (db, q) = sets["gem-p3"];
                var pca = VectorPostprocessor.ComputePca(db, 0.5f);
                var w = VectorPostprocessor.FromPca(pca, new PostprocessOptions { Power = 0.5f, Shrinkage = 0.3f });
                foreach (var (name, cat, qs) in new[] { ("gem-p3", db, q), ("gem-p3, signed sqrt, whitened s=0.3", w.ApplyAll(db), w.ApplyAll(q)) })
                {
                    foreach (var k in new[] { 1, 2, 3, 5 })
                    {
                        Console.WriteLine(lab.Row($"{name}, query expansion k={k}", cat, QueryExpansion(cat, qs, k)));
                    }

                    foreach (var k in new[] { 1, 2, 3 })
                    {
                        var augmented = DatabaseAugmentation(cat, k);
                        Console.WriteLine(lab.Row($"{name}, database augmentation k={k}", augmented, qs));
                    }
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>Each query averaged with its top k results (all weight 1), normalised.</summary>
    internal static VectorRows QueryExpansion(VectorRows catalog, VectorRows queries, int k)
    {
        var d = queries.Dimension;
        var index = new VectorIndex(catalog);
        var output = queries.ToArray();
        for (var r = 0; r < queries.Count; r++)
        {
            var row = output.AsSpan(r * d, d);
            foreach (var hit in index.Search(queries.Row(r), k))
            {
                TensorPrimitives.Add(row, index.Vector(hit.Row), row);
            }

            FeatureExtractor.Normalize(row);
        }

        return new VectorRows(output, d);
    }

    /// <summary>Each catalog vector averaged with its k nearest other catalog vectors, normalised.</summary>
    internal static VectorRows DatabaseAugmentation(VectorRows catalog, int k)
    {
        var d = catalog.Dimension;
        var index = new VectorIndex(catalog);
        var output = catalog.ToArray();
        for (var r = 0; r < catalog.Count; r++)
        {
            var row = output.AsSpan(r * d, d);
            var self = r;
            foreach (var hit in index.Search(catalog.Row(r), k, x => x != self))
            {
                TensorPrimitives.Add(row, index.Vector(hit.Row), row);
            }

            FeatureExtractor.Normalize(row);
        }

        return new VectorRows(output, d);
    }

    private static VectorRows Average(VectorRows a, VectorRows b)
    {
        var d = a.Dimension;
        var output = new float[a.Values.Length];
        TensorPrimitives.Add(a.Values.Span, b.Values.Span, output);
        for (var r = 0; r < output.Length; r += d)
        {
            FeatureExtractor.Normalize(output.AsSpan(r, d));
        }

        return new VectorRows(output, d);
    }

    /// <summary>Pooled, normalised vectors per pooling for the catalog and the queries; "gem-p3+flip" has mirrored catalog images.</summary>
    private static Dictionary<string, (VectorRows Catalog, VectorRows Queries)> Embed(ProductCatalog catalog, IReadOnlyList<QueryImage> queries, string model, string cache)
    {
        var result = new Dictionary<string, (VectorRows, VectorRows)>();
        string CachePath(string set, string pooling) => Path.Combine(cache, $"{set}.{pooling}.f32");
        var names = Poolings.Append("gem-p3+flip").ToArray();
        if (names.All(n => File.Exists(CachePath("catalog", n)) && File.Exists(CachePath("queries", n))))
        {
            foreach (var n in names)
            {
                result[n] = (Read(CachePath("catalog", n)), Read(CachePath("queries", n)));
            }

            return result;
        }

        var factory = new InferenceSessionFactory(new InferenceOptions(), NullLogger<InferenceSessionFactory>.Instance);
        using var extractor = new FeatureExtractor(factory.Create(model), model);
        var preprocessor = new ImagePreprocessor(new ImageDecoder(), new ImageTensorizer(PreprocessingOptions.ImageNet));
        var paths = catalog.Products.Select(p => catalog.LocateImage(p).FilePath!).ToList();
        var catalogVectors = Pool(extractor, preprocessor, paths, flip: false);
        var flipped = Pool(extractor, preprocessor, paths, flip: true);
        var queryVectors = Pool(extractor, preprocessor, [.. queries.Select(q => q.ImagePath)], flip: false);
        foreach (var n in names)
        {
            var (c, q) = n == "gem-p3+flip" ? (flipped["gem-p3"], queryVectors["gem-p3"]) : (catalogVectors[n], queryVectors[n]);
            File.WriteAllBytes(CachePath("catalog", n), MemoryMarshal.AsBytes(c.AsSpan()).ToArray());
            File.WriteAllBytes(CachePath("queries", n), MemoryMarshal.AsBytes(q.AsSpan()).ToArray());
            result[n] = (new VectorRows(c, extractor.Dimension), new VectorRows(q, extractor.Dimension));
        }

        return result;
    }

    /// <summary>A cache file: the pooled vectors, which have the feature model's 1,280 channels.</summary>
    private static VectorRows Read(string path) => new(MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray(), 1280);

    private static Dictionary<string, float[]> Pool(FeatureExtractor extractor, ImagePreprocessor preprocessor, IReadOnlyList<string> paths, bool flip)
    {
        const int Batch = 8;
        var d = extractor.Dimension;
        var (h, w) = extractor.MapSize;
        var area = h * w;
        var poolings = Poolings.ToDictionary(n => n, FeaturePooling.Parse);
        var output = Poolings.ToDictionary(n => n, _ => new float[paths.Count * d]);
        var inputs = new float[Batch * extractor.InputLength];
        var maps = new float[Batch * d * area];
        for (var start = 0; start < paths.Count; start += Batch)
        {
            var count = Math.Min(Batch, paths.Count - start);
            Parallel.For(0, count, i =>
            {
                var tensor = inputs.AsSpan(i * extractor.InputLength, extractor.InputLength);
                preprocessor.Preprocess(File.ReadAllBytes(paths[start + i]), tensor);
                if (flip)
                {
                    var (ih, iw) = extractor.InputSize;
                    for (var row = 0; row < 3 * ih; row++)
                    {
                        tensor.Slice(row * iw, iw).Reverse();
                    }
                }
            });
            extractor.ExtractFeatureMaps(inputs, count, maps);
            Parallel.For(0, count, i =>
            {
                foreach (var (name, pooling) in poolings)
                {
                    var vector = output[name].AsSpan((start + i) * d, d);
                    pooling.Pool(maps.AsSpan(i * d * area, d * area), d, h, w, vector);
                    FeatureExtractor.Normalize(vector);
                }
            });
            if (start % 200 == 0)
            {
                Console.Error.WriteLine($"  {start + count}/{paths.Count}");
            }
        }

        return output;
    }

    /// <summary>Scores one configuration on both query halves.</summary>
    private sealed class Lab(ProductCatalog catalog, IReadOnlyList<QueryImage> queries, CategoryMerge merge)
    {
        private readonly Product[] _products = [.. catalog.Products];
        private readonly bool _groups = queries.Any(q => q.Group is not null);

        public string Header() => _groups
            ? "| technique | tuning R@1 | tuning R@5 | held-out R@1 | held-out R@5 | held-out P@5 (category) |\n|---|---:|---:|---:|---:|---:|"
            : "| technique | tuning P@5 strict | tuning P@5 merged | held-out P@5 strict | held-out P@5 merged | held-out P@1 strict |\n|---|---:|---:|---:|---:|---:|";

        public string Row(string name, VectorRows catalogVectors, VectorRows queryVectors)
        {
            var index = new VectorIndex(catalogVectors);
            var sums = new Dictionary<QueryHalf, double[]> { [QueryHalf.Tuning] = new double[6], [QueryHalf.HeldOut] = new double[6] };
            for (var i = 0; i < queries.Count; i++)
            {
                var query = queries[i];
                var hits = index.Search(queryVectors.Row(i), 5).Select(h => _products[h.Row]).ToList();
                var s = sums[QuerySplit.HalfOf(query.Id)];
                s[0]++;
                s[1] += RetrievalMetrics.CategoryPrecisionAt(hits, 1, query.Category);
                s[2] += RetrievalMetrics.CategoryPrecisionAt(hits, 5, query.Category);
                s[3] += RetrievalMetrics.CategoryPrecisionAt(hits, 5, query.Category, merge);
                s[4] += RetrievalMetrics.GroupRecallAt(hits, 1, query.Group);
                s[5] += RetrievalMetrics.GroupRecallAt(hits, 5, query.Group);
            }

            string F(QueryHalf half, int i) => (sums[half][i] / sums[half][0]).ToString("F3", CultureInfo.InvariantCulture);
            return _groups
                ? $"| {name} | {F(QueryHalf.Tuning, 4)} | {F(QueryHalf.Tuning, 5)} | {F(QueryHalf.HeldOut, 4)} | {F(QueryHalf.HeldOut, 5)} | {F(QueryHalf.HeldOut, 2)} |"
                : $"| {name} | {F(QueryHalf.Tuning, 2)} | {F(QueryHalf.Tuning, 3)} | {F(QueryHalf.HeldOut, 2)} | {F(QueryHalf.HeldOut, 3)} | {F(QueryHalf.HeldOut, 1)} |";
        }
    }
}
