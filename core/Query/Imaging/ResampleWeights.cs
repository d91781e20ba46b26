namespace ImageSearch.Core.Query.Imaging;

/// <summary>
/// Anti-aliased bilinear (triangle) filter weights for a band of output samples, computed the way Pillow's
/// <c>ImagingResample</c> does: when shrinking, the filter widens by the scale factor, so every source pixel counts.
/// The one builder of resize weights: the tensorizer reads them as floats, the sample catalog's 8-bit thumbnails turn
/// the exact (double) ones into Pillow's fixed point.
/// </summary>
public sealed class ResampleWeights
{
    private readonly double[] _exact;

    private ResampleWeights(int[] start, int[] count, double[] exact, int taps)
    {
        Start = start;
        Count = count;
        _exact = exact;
        Weights = Array.ConvertAll(exact, w => (float)w);
        Taps = taps;
    }

    /// <summary>First source index of each output sample.</summary>
    public int[] Start { get; }

    /// <summary>Source samples each output sample reads.</summary>
    public int[] Count { get; }

    /// <summary>Weights, <see cref="Taps"/> per output sample, normalised to sum to 1.</summary>
    public float[] Weights { get; }

    public int Taps { get; }

    public int SourceStart => Start[0];

    public int SourceEnd => Start[^1] + Count[^1];

    public ReadOnlySpan<float> For(int output) => Weights.AsSpan(output * Taps, Count[output]);

    /// <summary>The weights of one output sample in double precision, as Pillow normalises them before rounding.</summary>
    public ReadOnlySpan<double> ExactFor(int output) => _exact.AsSpan(output * Taps, Count[output]);

    /// <summary>Weights of outputs <paramref name="first"/>..first+count-1 of a <paramref name="sourceSize"/> → <paramref name="resizedSize"/> resize.</summary>
    public static ResampleWeights Create(int sourceSize, int resizedSize, int first, int count)
    {
        var scale = (double)sourceSize / resizedSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = filterScale; // the triangle filter's support is 1
        var taps = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[count];
        var counts = new int[count];
        var weights = new double[count * taps];
        for (var i = 0; i < count; i++)
        {
            var center = (first + i + 0.5) * scale;
            var min = Math.Max((int)(center - support + 0.5), 0);
            var max = Math.Min((int)(center + support + 0.5), sourceSize);
            var sum = 0.0;
            for (var x = min; x < max; x++)
            {
                sum += Triangle((x - center + 0.5) / filterScale);
            }

            start[i] = min;
            counts[i] = max - min;
            for (var x = min; x < max; x++)
            {
                weights[i * taps + x - min] = sum > 0 ? Triangle((x - center + 0.5) / filterScale) / sum : 0;
            }
        }

        return new ResampleWeights(start, counts, weights, taps);
    }

    private static double Triangle(double x) => Math.Abs(x) < 1 ? 1 - Math.Abs(x) : 0;
}
