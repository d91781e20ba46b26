using System.Globalization;
using System.Numerics.Tensors;

namespace ImageSearch.Core.Query.Inference;

/// <summary>How a <c>[channels, H, W]</c> feature map becomes one vector.</summary>
public enum PoolingMethod
{
    /// <summary>Mean of every channel: what the classifier itself does.</summary>
    Average,

    /// <summary>Generalised mean (GeM): <c>(mean(max(x, 0)^p))^(1/p)</c> per channel; p = 1 is average pooling, p → ∞ max pooling.</summary>
    GeM,

    /// <summary>Regional max pooling (R-MAC): max-pooled square regions at 3 scales, each L2-normalised, summed.</summary>
    Rmac,
}

/// <summary>
/// Pools a feature map (channel-major: channel c's H×W values lie contiguously) into a vector, with
/// <see cref="TensorPrimitives"/>. The result is not normalised; <see cref="Inference.FeatureExtractor"/> does that.
/// </summary>
public sealed record FeaturePooling(PoolingMethod Method, float P = 1)
{
    public static FeaturePooling Average { get; } = new(PoolingMethod.Average);

    public static FeaturePooling GeM(float p) => new(PoolingMethod.GeM, p);

    public static FeaturePooling Rmac { get; } = new(PoolingMethod.Rmac);

    /// <summary>Stored in the index metadata: <c>average</c>, <c>gem-p3</c>, <c>rmac</c>.</summary>
    public string Name => Method switch
    {
        PoolingMethod.Average => "average",
        PoolingMethod.GeM => "gem-p" + P.ToString("0.##", CultureInfo.InvariantCulture),
        PoolingMethod.Rmac => "rmac",
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Parses <see cref="Name"/> (also <c>avg</c>, <c>gem</c> = p 3, <c>gem3</c>).</summary>
    public static FeaturePooling Parse(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var n = name.Trim().ToLowerInvariant();
        if (n is "average" or "avg" or "mean")
        {
            return Average;
        }

        if (n == "rmac")
        {
            return Rmac;
        }

        if (n.StartsWith("gem", StringComparison.Ordinal))
        {
            var rest = n[3..];
            rest = rest.StartsWith("-p", StringComparison.Ordinal) ? rest[2..] : rest.StartsWith('p') || rest.StartsWith('=') ? rest[1..] : rest;
            var p = rest.Length == 0 ? 3f : float.Parse(rest, NumberStyles.Float, CultureInfo.InvariantCulture);
            return p > 0 && float.IsFinite(p) ? GeM(p) : throw new FormatException($"GeM needs a positive p; got '{name}'.");
        }

        throw new FormatException($"Unknown pooling '{name}': use average, gem-pN (e.g. gem-p3) or rmac.");
    }

    /// <summary>Pools <paramref name="map"/> (<c>[channels, height, width]</c>) into <paramref name="destination"/> (<c>channels</c> floats).</summary>
    public void Pool(ReadOnlySpan<float> map, int channels, int height, int width, Span<float> destination)
    {
        var area = height * width;
        if (map.Length < channels * area || destination.Length < channels || area == 0)
        {
            throw new ArgumentException($"A [{channels}, {height}, {width}] map needs {channels * area} floats and {channels} outputs.");
        }

        switch (Method)
        {
            case PoolingMethod.Average:
                for (var c = 0; c < channels; c++)
                {
                    destination[c] = TensorPrimitives.Sum(map.Slice(c * area, area)) / area;
                }

                break;
            case PoolingMethod.GeM:
                PoolGeM(map, channels, area, destination);
                break;
            case PoolingMethod.Rmac:
                PoolRmac(map, channels, height, width, destination);
                break;
        }
    }

    private void PoolGeM(ReadOnlySpan<float> map, int channels, int area, Span<float> destination)
    {
        Span<float> buffer = area <= 1024 ? stackalloc float[area] : new float[area];
        var inverse = 1 / P;
        for (var c = 0; c < channels; c++)
        {
            TensorPrimitives.Max(map.Slice(c * area, area), 0f, buffer);
            TensorPrimitives.Pow(buffer, P, buffer);
            var mean = TensorPrimitives.Sum(buffer) / area;
            destination[c] = mean > 0 ? MathF.Pow(mean, inverse) : 0;
        }
    }

    /// <summary>The regions of R-MAC (Tolias et al. 2016) for an H×W map: scales 1..3, squares of side 2·min/(l+1), ~40% overlap.</summary>
    public static IReadOnlyList<(int Top, int Left, int Size)> Regions(int height, int width, int levels = 3)
    {
        var regions = new List<(int, int, int)>();
        var shorter = Math.Min(height, width);
        for (var l = 1; l <= levels; l++)
        {
            var size = Math.Max(1, (int)Math.Round(2.0 * shorter / (l + 1)));
            if (l == 1)
            {
                size = shorter;
            }

            // l positions along the shorter side, one more along a longer one (the original uses 1-2 extra; maps here are square).
            var rows = height == size ? 1 : l + (height > shorter ? 1 : 0);
            var cols = width == size ? 1 : l + (width > shorter ? 1 : 0);
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    var top = rows == 1 ? (height - size) / 2 : (int)Math.Round(i * (height - size) / (double)(rows - 1));
                    var left = cols == 1 ? (width - size) / 2 : (int)Math.Round(j * (width - size) / (double)(cols - 1));
                    regions.Add((top, left, size));
                }
            }
        }

        return regions;
    }

    private static void PoolRmac(ReadOnlySpan<float> map, int channels, int height, int width, Span<float> destination)
    {
        var area = height * width;
        destination[..channels].Clear();
        var region = new float[channels];
        foreach (var (top, left, size) in Regions(height, width))
        {
            for (var c = 0; c < channels; c++)
            {
                var plane = map.Slice(c * area, area);
                var max = float.NegativeInfinity;
                for (var y = top; y < top + size; y++)
                {
                    max = MathF.Max(max, TensorPrimitives.Max(plane.Slice(y * width + left, size)));
                }

                region[c] = max;
            }

            var norm = TensorPrimitives.Norm(region);
            if (norm > 0)
            {
                TensorPrimitives.MultiplyAdd(region, 1 / norm, destination[..channels], destination[..channels]);
            }
        }
    }
}
