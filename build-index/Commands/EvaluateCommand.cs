using System.CommandLine;
using System.Globalization;
using ImageSearch.Core.Build.Calibration;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Inference;
using Spectre.Console;

namespace ImageSearch.BuildIndex.Commands;

/// <summary><c>evaluate --catalog C.csv --index I.csv --queries Q.csv</c>: how good the answers are.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var catalogOption = new Option<FileInfo>("--catalog") { Description = "The catalog the index was built from.", Required = true };
        var indexOption = new Option<FileInfo>("--index") { Description = "The index (index.csv with its .meta.json).", Required = true };
        var queriesOption = new Option<FileInfo>("--queries") { Description = "Query photos: id,category,image_path[,group], paths relative to the file.", Required = true };
        var kOption = new Option<string>("--k") { Description = "Cut-offs for precision@k and recall@k.", DefaultValueFactory = _ => "1,5,10" };
        var threshold = new Option<double>("--threshold") { Description = "The score threshold to report on.", DefaultValueFactory = _ => 0.70 };
        var merge = new Option<string[]>("--merge") { Description = "Categories to count as one for the merged precision, e.g. --merge 'Shirt|Blouse|Top' (repeatable).", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var half = new Option<string>("--half")
        {
            Description = "Which query photos: all, tuning or held-out (a fixed split by a hash of the id; report held-out numbers, tune on the other half).",
            DefaultValueFactory = _ => "all",
        };
        var pooling = CommonOptions.Pooling();
        var model = CommonOptions.Model();
        var precision = CommonOptions.Int8Kernels();
        var calibration = CommonOptions.Calibration("stored",
            "The score calibration to report on: stored (the index's own), or refit from the index and catalog now (leave-one-out): logistic, isotonic (to compare methods without rebuilding; with a metric head, leave-one-out is in-sample and flatters).");
        var command = new Command("evaluate", "Search every query photo against the index and report precision@k by category, recall@k by exact product, and the score distribution.")
        {
            catalogOption, indexOption, queriesOption, kOption, threshold, merge, json, half, pooling, model, precision, calibration,
        };
        command.SetAction(parse =>
        {
            int[] k;
            try
            {
                k = parse.GetValue(kOption)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(x => int.Parse(x, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            }
            catch (FormatException)
            {
                return Failure.Report("evaluate", ExitCodes.UnusableInput, "--k takes positive whole numbers separated by commas, e.g. 1,5,10.");
            }

            if (k.Length == 0 || k.Any(x => x <= 0))
            {
                return Failure.Report("evaluate", ExitCodes.UnusableInput, "--k takes positive whole numbers separated by commas, e.g. 1,5,10.");
            }

            try
            {
                var catalog = CatalogReader.Read(parse.GetRequiredValue(catalogOption).FullName);
                var index = IndexFile.Load(parse.GetRequiredValue(indexOption).FullName);
                QueryHalf which;
                try
                {
                    which = QuerySplit.Parse(parse.GetValue(half)!);
                }
                catch (FormatException e)
                {
                    return Failure.Report("evaluate", ExitCodes.UnusableInput, e.Message);
                }

                var queries = QuerySplit.Select(QuerySetReader.Read(parse.GetRequiredValue(queriesOption).FullName), which);
                using var embedder = ImageEmbedder.Create(new EmbedderOptions
                {
                    ModelPath = FeatureModelFile.Resolve(parse.GetValue(model)),
                    Pooling = parse.GetValue(pooling)!,
                    Inference = new InferenceOptions { QuantizedPrecision = parse.GetValue(precision) },
                });
                var merged = (parse.GetValue(merge) ?? []).Select(m => (IReadOnlyList<string>)m.Split('|', StringSplitOptions.TrimEntries)).ToList();
                var method = parse.GetValue(calibration)!;
                ScoreCalibration? refit = null;
                if (!string.Equals(method, "stored", StringComparison.OrdinalIgnoreCase))
                {
                    var products = index.Vectors.Ids.Select(id => catalog.Find(id)
                        ?? throw new IndexFormatException($"{index.Path} has product '{id}', which {catalog.Path} does not.")).ToArray();
                    var projection = index.Metadata.Projection;
                    var searched = projection is null ? index.Vectors.Rows : projection.ApplyAll(index.Vectors.Rows);
                    refit = ScoreCalibrator.Fit(searched, [.. products.Select(p => p.Category)], [.. products.Select(p => p.Group)],
                        new ScoreCalibratorOptions { Method = CommonOptions.ParseCalibration(method) });
                }

                var report = new RetrievalEvaluator(embedder).Evaluate(catalog, index, queries, k, parse.GetValue(threshold), merged, refit);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(report.ToJson());
                }
                else
                {
                    Print(report);
                }

                return report.FailedQueries.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
            }
            catch (CatalogFormatException e)
            {
                foreach (var error in e.Errors)
                {
                    Console.Error.WriteLine($"{Path.GetFileName(e.Path)}:{error.Line}: {error.Message}");
                }

                return Failure.Report("evaluate", ExitCodes.UnusableInput, $"{e.Path} cannot be used.");
            }
            catch (IndexFormatException e)
            {
                return Failure.Report("evaluate", ExitCodes.UnusableInput, e.Message);
            }
            catch (FileNotFoundException e)
            {
                return Failure.Report("evaluate", ExitCodes.UnusableInput, e.Message);
            }
            catch (FormatException e)
            {
                return Failure.Report("evaluate", ExitCodes.UnusableInput, e.Message);
            }
        });
        return command;
    }

    private static void Print(EvaluationReport report)
    {
        var console = AnsiConsole.Console;
        var table = new Table().AddColumns("measure").AddColumns(report.K.Select(k => new TableColumn($"@{k}")).ToArray());
        void Row(string name, IReadOnlyDictionary<int, double>? values)
        {
            if (values is not null)
            {
                table.AddRow([name, .. report.K.Select(k => values[k].ToString("F3", CultureInfo.InvariantCulture))]);
            }
        }

        Row("category precision", report.CategoryPrecisionAtK);
        Row("category precision (merged)", report.MergedCategoryPrecisionAtK);
        Row("exact-product recall", report.GroupRecallAtK);
        console.Write(table);

        var scores = new Table().AddColumns("top-1 score", "n", "min", "p10", "median", "p90", "max");
        void Scores(string name, ScoreDistribution? d)
        {
            if (d is not null)
            {
                scores.AddRow(name, d.Count.ToString(CultureInfo.InvariantCulture), F(d.Min), F(d.P10), F(d.Median), F(d.P90), F(d.Max));
            }
        }

        Scores("all queries", report.Top1Score);
        Scores("top-1 relevant", report.Top1ScoreWhenRelevant);
        Scores("top-1 not relevant", report.Top1ScoreWhenNotRelevant);
        console.Write(scores);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.QueriesWithResultAboveThreshold} of {report.Queries} queries ({100.0 * report.QueriesWithResultAboveThreshold / Math.Max(report.Queries, 1):F1}%) have a result at or above {report.Threshold:F2}; catalog {report.CatalogSize} products; {report.Seconds:F1} s"));
        if (report.ExcludedTrainingPhotos > 0)
        {
            Console.WriteLine($"{report.ExcludedTrainingPhotos} query photos were left out: the index learned from them at build time (--training-queries).");
        }

        if (report.Calibration is { } c)
        {
            PrintCalibration(c);
        }

        foreach (var failed in report.FailedQueries)
        {
            Console.Error.WriteLine($"query line {failed.Line} ({failed.Id}): {failed.Reason}");
        }
    }

    private static void PrintCalibration(CalibrationReport c)
    {
        var console = AnsiConsole.Console;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calibration: {c.Kind}; relevant = same {c.Relevance}; top-{c.K} pairs; calibrated score {c.RawCut.Threshold:F2} at cosine {c.CosineAtThreshold}"));
        var table = new Table().AddColumns("bin", "raw n", "raw predicted", "raw observed", "calibrated n", "calibrated predicted", "calibrated observed");
        for (var b = 0; b < c.Raw.Bins.Count; b++)
        {
            ReliabilityBin r = c.Raw.Bins[b], s = c.Calibrated.Bins[b];
            table.AddRow(string.Create(CultureInfo.InvariantCulture, $"{r.Lower:F1}–{r.Upper:F1}"),
                r.Count.ToString(CultureInfo.InvariantCulture), F(r.MeanPredicted), F(r.Observed),
                s.Count.ToString(CultureInfo.InvariantCulture), F(s.MeanPredicted), F(s.Observed));
        }

        console.Write(table);
        var cuts = new Table().AddColumns("score", "Brier", "ECE", "results >= cut", "precision", "recall", "queries with any");
        void Cut(string name, CalibrationQuality q, ThresholdCut t) => cuts.AddRow(name, F(q.Brier), F(q.ExpectedCalibrationError),
            t.Results.ToString(CultureInfo.InvariantCulture), F(t.Precision), F(t.Recall), t.QueriesWithAny.ToString(CultureInfo.InvariantCulture));
        Cut("raw cosine", c.Raw, c.RawCut);
        Cut("calibrated", c.Calibrated, c.CalibratedCut);
        console.Write(cuts);
        if (c.SameProduct is { } same)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"same_product (cosine >= {same.Cut:F3}): {same.Results} results for {same.QueriesWithAny} queries, {same.Relevant} of them the same {same.Relevance}"));
        }
    }

    private static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
