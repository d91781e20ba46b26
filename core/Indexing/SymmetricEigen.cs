using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace ImageSearch.Core.Indexing;

/// <summary>Eigen-decomposition of a real symmetric matrix, by Math.NET Numerics.</summary>
internal static class SymmetricEigen
{
    /// <summary>
    /// Decomposes <paramref name="a"/> (n×n row-major, symmetric; overwritten with the eigenvectors as rows) and
    /// returns the eigenvalues in ascending order; row j of <paramref name="a"/> is the (unit) eigenvector of value j.
    /// </summary>
    public static double[] Decompose(double[] a, int n)
    {
        if (a.Length != n * n)
        {
            throw new ArgumentException($"{a.Length} values are not a {n}x{n} matrix.", nameof(a));
        }

        // Symmetric, so the row-major array is also the column-major one Math.NET expects.
        var evd = Matrix<double>.Build.Dense(n, n, (double[])a.Clone()).Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, n).OrderBy(i => evd.EigenValues[i].Real).ToArray();
        var values = new double[n];
        for (var j = 0; j < n; j++)
        {
            values[j] = evd.EigenValues[order[j]].Real;
            for (var k = 0; k < n; k++)
            {
                a[j * n + k] = evd.EigenVectors[k, order[j]];
            }
        }

        return values;
    }
}
