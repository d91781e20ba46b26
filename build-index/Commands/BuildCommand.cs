using System.CommandLine;
using ImageSearch.Core.Build.Calibration;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.BuildIndex.Commands;

/// <summary><c>build --catalog products.csv --out index.csv</c>: embeds every catalog image into an index.</summary>
internal static class BuildCommand
{
    /// <summary>
    /// Views a catalog photo gets by default when a metric head is trained on the catalog alone (chosen on the tuning
    /// half: docs/quality.md, part 3); with training photos the default is none.
    /// </summary>
    public const int DefaultAugmentViews = 8;

    private const int MaxAugmentViews = 64;

    public static Command Create()
    {
        var catalogOption = new Option<FileInfo>("--catalog") { Description = "products.csv: id,name,category,price,image_url (+ any extra columns).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The index to write (index.csv; its metadata goes beside it). Replaced atomically.", Required = true };
        var model = CommonOptions.Model();
        var pooling = CommonOptions.Pooling();
        var threads = new Option<int>("--threads") { Description = "Images decoded at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var batch = new Option<int>("--batch") { Description = "Images per model run.", DefaultValueFactory = _ => 8 };
        var incremental = new Option<bool>("--incremental") { Description = "Reuse the previous index's vectors for images whose bytes have not changed." };
        var retrain = new Option<bool>("--retrain")
        {
            Description = "With --incremental: fit the metric head and calibration again even when few rows changed (otherwise they are kept "
                + $"until more than {RetrainRule.MaxChangedShare * 100:F0}% of the rows they were fitted on changed; a full build always fits them).",
        };
        var skipFailed = new Option<bool>("--skip-failed") { Description = "Write the index without the rows that failed (the exit code is still 1)." };
        var precision = CommonOptions.Int8Kernels();
        var calibration = CommonOptions.Calibration("isotonic",
            "How the calibrated score is fitted from the catalog's own labels (leave-one-out): isotonic (default, chosen on the tuning halves) or logistic (Platt).");
        var noCalibration = new Option<bool>("--no-calibration") { Description = "Write no score calibration: searches then score by the clamped cosine." };
        var trainingQueries = new Option<FileInfo>("--training-queries")
        {
            Description = "Labelled photos of the kind shoppers send (id,category,image_path[,group], like evaluate's --queries): the metric head "
                + "trains on them with the catalog and the score calibration is fitted on their matches. 'evaluate' then leaves these photos out.",
        };
        var trainingHalf = new Option<string>("--training-half")
        {
            Description = "Which of the --training-queries to use: all, or one half of evaluate's fixed split (tuning, held-out), so a set of "
                + "labelled photos can train on one half and be evaluated on the other.",
            DefaultValueFactory = _ => "all",
        };
        var metricHead = new Option<string>("--metric-head")
        {
            Description = "The learned metric head (a linear projection trained on the catalog's labels, and on --training-queries when given): "
                + "auto (train it when the catalog's categories or groups repeat, or with --training-queries), off, or its dimension (e.g. 256).",
            DefaultValueFactory = _ => "auto",
        };
        var augmentViews = new Option<int?>("--augment-views")
        {
            Description = "Augmented views (random crop, flip, rotation, colour, blur, background) of each catalog photo that the metric head "
                + $"also trains on, to learn what separates a shopper's photo from a studio shot; 0: none. Default {DefaultAugmentViews}, or 0 with "
                + "--training-queries (where they measured no gain). Only training changes (docs/quality.md, part 3).",
        };
        var coarse = new Option<int>("--coarse-dimensions")
        {
            Description = "Principal axes in index.bin's coarse codes, scanned by every search of a large catalog (docs/benchmarks.md).",
            DefaultValueFactory = _ => new IndexBuildOptions().CoarseDimension,
        };
        var compactFrom = new Option<int>("--compact-from")
        {
            Description = "Write compact codes into index.bin from this many products on (smaller catalogs are searched exactly).",
            DefaultValueFactory = _ => new IndexBuildOptions().CompactFromRows,
        };
        var command = new Command("build", "Build index.csv and index.bin from a catalog. Exit 0: all rows indexed; 1: some rows failed; 2: unusable input.")
        {
            catalogOption, output, model, pooling, threads, batch, incremental, retrain, skipFailed, precision, calibration, noCalibration, coarse, compactFrom,
            trainingQueries, trainingHalf, metricHead, augmentViews,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var catalogFile = parse.GetRequiredValue(catalogOption);
            var indexFile = parse.GetRequiredValue(output);
            if (parse.GetValue(threads) <= 0 || parse.GetValue(batch) <= 0)
            {
                return Failure.Report("build", ExitCodes.UnusableInput, "--threads and --batch must be positive numbers.");
            }

            if (parse.GetValue(augmentViews) is < 0 or > MaxAugmentViews)
            {
                return Failure.Report("build", ExitCodes.UnusableInput, $"--augment-views takes 0 to {MaxAugmentViews}.");
            }

            if (parse.GetValue(coarse) <= 0 || parse.GetValue(compactFrom) < 0)
            {
                return Failure.Report("build", ExitCodes.UnusableInput, "--coarse-dimensions must be positive and --compact-from not negative.");
            }

            if (!catalogFile.Exists)
            {
                return Failure.Report("build", ExitCodes.UnusableInput, $"{catalogFile.FullName}: no such file");
            }

            ProductCatalog catalog;
            try
            {
                catalog = CatalogReader.Read(catalogFile.FullName);
            }
            catch (CatalogFormatException e)
            {
                foreach (var error in e.Errors)
                {
                    Console.Error.WriteLine($"{catalogFile.Name}:{error.Line}: {error.Message}");
                }

                return Failure.Report("build", ExitCodes.UnusableInput, $"{catalogFile.Name} has {e.Errors.Count} problem(s); the index was not touched.");
            }

            IReadOnlyList<QueryImage>? photos = null;
            MetricHeadOptions? head;
            try
            {
                photos = parse.GetValue(trainingQueries) is { } file
                    ? QuerySplit.Select(QuerySetReader.Read(file.FullName), QuerySplit.Parse(parse.GetValue(trainingHalf)!))
                    : null;
                head = MetricHeadChoice.Parse(parse.GetValue(metricHead)!, catalog, photos);
            }
            catch (CatalogFormatException e)
            {
                foreach (var error in e.Errors)
                {
                    Console.Error.WriteLine($"{Path.GetFileName(e.Path)}:{error.Line}: {error.Message}");
                }

                return Failure.Report("build", ExitCodes.UnusableInput, $"{e.Path} cannot be used as --training-queries; the index was not touched.");
            }
            catch (Exception e) when (e is FormatException or FileNotFoundException or IOException)
            {
                return Failure.Report("build", ExitCodes.UnusableInput, e.Message);
            }

            try
            {
                using var embedder = ImageEmbedder.Create(new EmbedderOptions
                {
                    ModelPath = FeatureModelFile.Resolve(parse.GetValue(model)),
                    Pooling = parse.GetValue(pooling)!,
                    Inference = new InferenceOptions { QuantizedPrecision = parse.GetValue(precision) },
                });
                using var images = new ImageLoaders(indexFile.FullName);
                var builder = new IndexBuilder(embedder, images.Loader, NullLogger<IndexBuilder>.Instance);
                var options = new IndexBuildOptions
                {
                    Threads = parse.GetValue(threads),
                    BatchSize = parse.GetValue(batch),
                    Incremental = parse.GetValue(incremental),
                    Retrain = parse.GetValue(retrain),
                    SkipFailed = parse.GetValue(skipFailed),
                    CoarseDimension = parse.GetValue(coarse),
                    CompactFromRows = parse.GetValue(compactFrom),
                    Calibration = parse.GetValue(noCalibration)
                        ? null
                        : new ScoreCalibratorOptions { Method = CommonOptions.ParseCalibration(parse.GetValue(calibration)!) },
                    TrainingQueries = photos,
                    MetricHead = head,
                    AugmentViews = parse.GetValue(augmentViews) ?? (photos is { Count: > 0 } ? 0 : DefaultAugmentViews),
                };
                var result = await BuildProgress.RunAsync(catalog.Count, progress => builder.BuildAsync(catalog, indexFile.FullName, options, progress, cancellationToken));
                BuildSummary.Print(result, indexFile.FullName);
                return result.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
            }
            catch (FileNotFoundException e)
            {
                return Failure.Report("build", ExitCodes.UnusableInput, e.Message);
            }
            catch (FormatException e)
            {
                return Failure.Report("build", ExitCodes.UnusableInput, e.Message);
            }
            catch (OnnxRuntimeException e)
            {
                return Failure.Report("build", ExitCodes.UnusableInput, $"the model could not be run: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                return Failure.Report("build", ExitCodes.Cancelled, $"cancelled; {indexFile.FullName} was left as it was.");
            }
        });
        return command;
    }
}
