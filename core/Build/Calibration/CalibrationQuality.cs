namespace ImageSearch.Core.Build.Calibration;

/// <summary>One bin of a reliability table: predictions in [<see cref="Lower"/>, <see cref="Upper"/>).</summary>
/// <param name="MeanPredicted">Mean predicted probability in the bin (NaN when empty).</param>
/// <param name="Observed">Share of the bin's pairs that are relevant (NaN when empty).</param>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanPredicted, double Observed);

/// <summary>How well predicted probabilities match outcomes: Brier score, expected calibration error and a reliability table.</summary>
public sealed record CalibrationQuality(int Count, int Positives, double Brier, double ExpectedCalibrationError, IReadOnlyList<ReliabilityBin> Bins)
{
    /// <summary>Measures <paramref name="pairs"/> (predicted probability, whether relevant) in <paramref name="bins"/> equal-width bins.</summary>
    public static CalibrationQuality Of(IReadOnlyList<(double Predicted, bool Relevant)> pairs, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        var count = new int[bins];
        var predicted = new double[bins];
        var observed = new double[bins];
        double brier = 0;
        var positives = 0;
        foreach (var (p, relevant) in pairs)
        {
            var y = relevant ? 1.0 : 0.0;
            brier += (p - y) * (p - y);
            positives += relevant ? 1 : 0;
            var bin = Math.Clamp((int)Math.Floor(p * bins), 0, bins - 1);
            count[bin]++;
            predicted[bin] += p;
            observed[bin] += y;
        }

        var table = new ReliabilityBin[bins];
        double ece = 0;
        for (var b = 0; b < bins; b++)
        {
            var meanPredicted = count[b] > 0 ? predicted[b] / count[b] : double.NaN;
            var share = count[b] > 0 ? observed[b] / count[b] : double.NaN;
            table[b] = new ReliabilityBin(Math.Round((double)b / bins, 4), Math.Round((double)(b + 1) / bins, 4), count[b], Round(meanPredicted), Round(share));
            ece += count[b] > 0 ? count[b] * Math.Abs(meanPredicted - share) : 0;
        }

        var n = pairs.Count;
        return new CalibrationQuality(n, positives, n > 0 ? Round(brier / n) : double.NaN, n > 0 ? Round(ece / n) : double.NaN, table);
    }

    private static double Round(double value) => double.IsNaN(value) ? value : Math.Round(value, 4);
}
