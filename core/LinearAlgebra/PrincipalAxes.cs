using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace ImageSearch.Core.LinearAlgebra;

/// <summary>
/// The top principal axes of a set of rows: the mean, the first <c>k</c> unit axes (largest variance first) with their
/// variances, and the mean variance over all dimensions. With fewer rows than dimensions it decomposes the n×n Gram
/// matrix instead of the d×d covariance (the same axes, far cheaper); axes beyond the data's rank are completed with
/// orthonormal directions of variance 0.
/// </summary>
public sealed record PrincipalAxes(float[] Mean, float[] Axes, double[] Variances, double MeanVariance)
{
    public static PrincipalAxes Of(VectorRows rows, int k)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var (n, dimension) = (rows.Count, rows.Dimension);
        k = Math.Clamp(k, 1, dimension);
        var mean = new float[dimension];
        for (var r = 0; r < n; r++)
        {
            TensorPrimitives.Add(mean, rows.Row(r), mean);
        }

        TensorPrimitives.Divide(mean, Math.Max(n, 1), mean);
        var centred = new float[rows.Values.Length];
        for (var r = 0; r < n; r++)
        {
            TensorPrimitives.Subtract(rows.Row(r), mean, centred.AsSpan(r * dimension, dimension));
        }

        var meanVariance = TensorPrimitives.SumOfSquares(centred) / (double)Math.Max(n, 1) / dimension;
        var (axes, variances) = n < dimension ? FromGram(centred, n, dimension, k) : FromCovariance(centred, n, dimension, k);
        Complete(axes, variances, dimension, k);
        return new PrincipalAxes(mean, [.. axes.SelectMany(a => a)], [.. variances], meanVariance);
    }

    private static (List<float[]> Axes, List<double> Variances) FromGram(float[] x, int n, int dimension, int k)
    {
        var gram = new float[n * n];
        DenseMath.MultiplyTransposed(x, n, x, n, dimension, gram);
        var evd = Matrix<double>.Build.Dense(n, n, (i, j) => gram[i * n + j] / (double)n).Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, n).OrderByDescending(i => evd.EigenValues[i].Real).ToArray();
        var axes = new List<float[]>();
        var variances = new List<double>();
        foreach (var j in order.Take(k))
        {
            var value = evd.EigenValues[j].Real;
            if (value <= 1e-10)
            {
                break;
            }

            // u = Xᵀv / ‖Xᵀv‖.
            var axis = new float[dimension];
            for (var r = 0; r < n; r++)
            {
                TensorPrimitives.MultiplyAdd(x.AsSpan(r * dimension, dimension), (float)evd.EigenVectors[r, j], axis, axis);
            }

            var norm = TensorPrimitives.Norm(axis);
            if (norm <= 0)
            {
                break;
            }

            TensorPrimitives.Divide(axis, norm, axis);
            axes.Add(axis);
            variances.Add(value);
        }

        return (axes, variances);
    }

    private static (List<float[]> Axes, List<double> Variances) FromCovariance(float[] x, int n, int dimension, int k)
    {
        var columns = DenseMath.Transpose(x, n, dimension);
        var covariance = new float[dimension * dimension];
        DenseMath.MultiplyTransposed(columns, dimension, columns, dimension, n, covariance);
        var evd = Matrix<double>.Build.Dense(dimension, dimension, (i, j) => covariance[i * dimension + j] / (double)n).Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, dimension).OrderByDescending(i => evd.EigenValues[i].Real).Take(k).ToArray();
        return ([.. order.Select(j => Enumerable.Range(0, dimension).Select(c => (float)evd.EigenVectors[c, j]).ToArray())],
            [.. order.Select(j => Math.Max(0, evd.EigenValues[j].Real))]);
    }

    /// <summary>Adds unit directions orthogonal to the axes so far (Gram-Schmidt on the standard basis) until there are k.</summary>
    private static void Complete(List<float[]> axes, List<double> variances, int dimension, int k)
    {
        for (var e = 0; e < dimension && axes.Count < k; e++)
        {
            var candidate = new float[dimension];
            candidate[e] = 1;
            for (var pass = 0; pass < 2; pass++)
            {
                foreach (var axis in axes)
                {
                    TensorPrimitives.MultiplyAdd(axis, -TensorPrimitives.Dot(axis, candidate), candidate, candidate);
                }
            }

            var norm = TensorPrimitives.Norm(candidate);
            if (norm > 1e-3f)
            {
                TensorPrimitives.Divide(candidate, norm, candidate);
                axes.Add(candidate);
                variances.Add(0);
            }
        }
    }
}
