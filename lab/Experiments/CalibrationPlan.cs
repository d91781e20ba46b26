using System.Globalization;
using ImageSearch.Core.Build.Calibration;
using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Build.Learning;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>
/// Where the score calibration is fitted: on the catalog alone (leave-one-out, the default) or on labelled training
/// query photos (the tuning half) against the catalog; reported on the held-out half's top-10 pairs.
/// </summary>
internal static class CalibrationPlan
{
    public static void Run(Lab lab, MetricHeadOptions headOptions)
    {
        var data = lab.Data;
        var catalog = data.Catalog["centre"];
        var queries = data.QueryVectors["centre"];
        var tuning = data.QueriesOf(QueryHalf.Tuning);
        var categories = data.Products.Select(p => p.Category).ToArray();
        var groups = data.Products.Select(p => p.Group).ToArray();
        Console.WriteLine("| vectors | calibration fitted on | label | pairs | score 0.70 at cosine | held-out Brier | held-out ECE | held-out results ≥ 0.70 | precision | recall | held-out queries with any ≥ 0.70 |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");

        var tables = new List<(string Name, CalibrationQuality Quality)>();
        void Report(string vectors, string fittedOn, ScoreCalibration calibration, VectorRows catalogVectors, VectorRows queryVectors)
        {
            var (quality, cut) = HeldOut(data, calibration, catalogVectors, queryVectors);
            tables.Add(($"{vectors}, {fittedOn}", quality));
            var f = calibration.Fit!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {vectors} | {fittedOn} | {calibration.Label} | {f.Pairs} | {calibration.CosineAt(0.70f)} | {quality.Brier:F3} | {quality.ExpectedCalibrationError:F3} | {cut.Results} | {cut.Precision:F3} | {cut.Recall:F3} | {cut.QueriesWithAny} of {data.QueriesOf(QueryHalf.HeldOut).Length} |"));
        }

        Report("plain", "catalog leave-one-out", ScoreCalibrator.Fit(catalog, categories, groups), catalog, queries);
        var tuningVectors = queries.Gather(tuning);
        var onQueries = ScoreCalibrator.FitOnQueries(catalog, categories, groups, tuningVectors,
            [.. tuning.Select(i => data.Queries[i].Category)], [.. tuning.Select(i => data.Queries[i].Group)]);
        if (onQueries is not null)
        {
            Report("plain", $"tuning photos ({tuning.Length})", onQueries, catalog, queries);
        }

        // With the metric head trained on the catalog alone: fitted on the catalog it trained on, or on the items it held back.
        var catalogSet = HeadPlan.CatalogOnly(data, data.HasGroups ? "group" : "category");
        try
        {
            var a = MetricHeadTrainer.Train(catalogSet, headOptions);
            var (ac, aq, ad) = (a.Projection.ApplyAll(catalog), a.Projection.ApplyAll(queries), a.Projection.OutputDimension);
            Report($"head (a), d={ad}", "catalog leave-one-out", ScoreCalibrator.Fit(ac, categories, groups), ac, aq);
            var held = a.ValidationRows;
            var fit = ScoreCalibrator.FitOnQueries(ac, categories, groups, ac.Gather(held),
                [.. held.Select(r => categories[r])], [.. held.Select(r => groups[r])], null, held);
            if (fit is not null)
            {
                Report($"head (a), d={ad}", $"the {held.Count} catalog items the head held back", fit, ac, aq);
            }
        }
        catch (ArgumentException e)
        {
            Console.WriteLine($"| head (a) | — | {e.Message} |");
        }

        // With the metric head trained on catalog + tuning photos: its validation photos were never trained on.
        var label = data.HasGroups ? "group" : "category";
        var trained = MetricHeadTrainer.Train(HeadPlan.WithQueries(data, tuning, label), headOptions);
        var head = trained.Projection;
        var (hc, hq, hd) = (head.ApplyAll(catalog), head.ApplyAll(queries), head.OutputDimension);
        Report($"head (b), d={hd}", "catalog leave-one-out", ScoreCalibrator.Fit(hc, categories, groups), hc, hq);
        var n = data.Products.Length;
        foreach (var (name, rows) in new[]
        {
            ($"all tuning photos ({tuning.Length}, in the head's training data)", tuning),
            ($"the head's validation photos ({trained.ValidationRows.Count})", trained.ValidationRows.Select(r => tuning[r - n]).ToArray()),
        })
        {
            var fit = ScoreCalibrator.FitOnQueries(hc, categories, groups, hq.Gather(rows),
                [.. rows.Select(i => data.Queries[i].Category)], [.. rows.Select(i => data.Queries[i].Group)]);
            if (fit is not null)
            {
                Report($"head (b), d={hd}", name, fit, hc, hq);
            }
        }

        // Reliability on the held-out half: pairs, mean predicted, observed, per bin.
        foreach (var (name, quality) in tables)
        {
            Console.WriteLine();
            Console.WriteLine($"{name}: held-out reliability");
            Console.WriteLine("| predicted | pairs | mean predicted | observed |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var bin in quality.Bins.Where(b => b.Count > 0))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {bin.Lower:F1}–{bin.Upper:F1} | {bin.Count} | {bin.MeanPredicted:F3} | {bin.Observed:F3} |"));
            }
        }
    }

    /// <summary>Brier, ECE and the 0.70 cut over every held-out query's top-10 pairs, relevant by the calibration's label.</summary>
    private static (CalibrationQuality Quality, ThresholdCut Cut) HeldOut(LabData data, ScoreCalibration calibration, VectorRows catalog, VectorRows queries)
    {
        var index = new VectorIndex(catalog);
        var pairs = new List<(double Predicted, bool Relevant)>();
        var any = 0;
        foreach (var i in data.QueriesOf(QueryHalf.HeldOut))
        {
            var query = data.Queries[i];
            var hit = false;
            foreach (var h in index.Search(queries.Row(i), 10))
            {
                var product = data.Products[h.Row];
                var relevant = calibration.Label == "group"
                    ? query.Group is not null && product.Group == query.Group
                    : string.Equals(product.Category, query.Category, StringComparison.OrdinalIgnoreCase);
                var score = calibration.Apply(h.Score);
                pairs.Add((score, relevant));
                hit |= score >= 0.70;
            }

            any += hit ? 1 : 0;
        }

        return (CalibrationQuality.Of(pairs), ThresholdCut.Of(pairs, 0.70, any));
    }
}
