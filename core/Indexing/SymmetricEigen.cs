namespace ImageSearch.Core.Indexing;

/// <summary>
/// Eigen-decomposition of a real symmetric matrix: Householder reduction to tridiagonal form, then the QL algorithm
/// with implicit shifts (the classic tred2/tql2 pair, as in EISPACK and JAMA). O(n³); n = 1280 takes seconds.
/// </summary>
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

        var d = new double[n];
        var e = new double[n];
        Tridiagonalize(a, n, d, e);
        Transpose(a, n);
        Ql(a, n, d, e);
        return d;
    }

    private static void Tridiagonalize(double[] v, int n, double[] d, double[] e)
    {
        for (var j = 0; j < n; j++)
        {
            d[j] = v[(n - 1) * n + j];
        }

        for (var i = n - 1; i > 0; i--)
        {
            double scale = 0, h = 0;
            for (var k = 0; k < i; k++)
            {
                scale += Math.Abs(d[k]);
            }

            if (scale == 0)
            {
                e[i] = d[i - 1];
                for (var j = 0; j < i; j++)
                {
                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                    v[j * n + i] = 0;
                }
            }
            else
            {
                for (var k = 0; k < i; k++)
                {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }

                var f = d[i - 1];
                var g = Math.Sqrt(h);
                if (f > 0)
                {
                    g = -g;
                }

                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (var j = 0; j < i; j++)
                {
                    e[j] = 0;
                }

                for (var j = 0; j < i; j++)
                {
                    f = d[j];
                    v[j * n + i] = f;
                    g = e[j] + v[j * n + j] * f;
                    for (var k = j + 1; k <= i - 1; k++)
                    {
                        g += v[k * n + j] * d[k];
                        e[k] += v[k * n + j] * f;
                    }

                    e[j] = g;
                }

                f = 0;
                for (var j = 0; j < i; j++)
                {
                    e[j] /= h;
                    f += e[j] * d[j];
                }

                var hh = f / (h + h);
                for (var j = 0; j < i; j++)
                {
                    e[j] -= hh * d[j];
                }

                for (var j = 0; j < i; j++)
                {
                    f = d[j];
                    g = e[j];
                    for (var k = j; k <= i - 1; k++)
                    {
                        v[k * n + j] -= f * e[k] + g * d[k];
                    }

                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                }
            }

            d[i] = h;
        }

        for (var i = 0; i < n - 1; i++)
        {
            v[(n - 1) * n + i] = v[i * n + i];
            v[i * n + i] = 1;
            var h = d[i + 1];
            if (h != 0)
            {
                for (var k = 0; k <= i; k++)
                {
                    d[k] = v[k * n + i + 1] / h;
                }

                for (var j = 0; j <= i; j++)
                {
                    double g = 0;
                    for (var k = 0; k <= i; k++)
                    {
                        g += v[k * n + i + 1] * v[k * n + j];
                    }

                    for (var k = 0; k <= i; k++)
                    {
                        v[k * n + j] -= g * d[k];
                    }
                }
            }

            for (var k = 0; k <= i; k++)
            {
                v[k * n + i + 1] = 0;
            }
        }

        for (var j = 0; j < n; j++)
        {
            d[j] = v[(n - 1) * n + j];
            v[(n - 1) * n + j] = 0;
        }

        v[(n - 1) * n + n - 1] = 1;
        e[0] = 0;
    }

    private static void Ql(double[] v, int n, double[] d, double[] e)
    {
        for (var i = 1; i < n; i++)
        {
            e[i - 1] = e[i];
        }

        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        var eps = Math.Pow(2, -52);
        for (var l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            var m = l;
            while (m < n)
            {
                if (Math.Abs(e[m]) <= eps * tst1)
                {
                    break;
                }

                m++;
            }

            if (m > l)
            {
                var iterations = 0;
                do
                {
                    if (++iterations > 200)
                    {
                        throw new InvalidOperationException("The eigen-decomposition did not converge.");
                    }

                    var g = d[l];
                    var p = (d[l + 1] - g) / (2 * e[l]);
                    var r = Hypot(p, 1);
                    if (p < 0)
                    {
                        r = -r;
                    }

                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    var dl1 = d[l + 1];
                    var h = g - d[l];
                    for (var i = l + 2; i < n; i++)
                    {
                        d[i] -= h;
                    }

                    f += h;
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
                    var el1 = e[l + 1];
                    for (var i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        // The eigenvectors are rows here (transposed), so the rotation runs over contiguous memory.
                        var next = v.AsSpan((i + 1) * n, n);
                        var row = v.AsSpan(i * n, n);
                        for (var k = 0; k < n; k++)
                        {
                            h = next[k];
                            next[k] = s * row[k] + c * h;
                            row[k] = c * row[k] - s * h;
                        }
                    }

                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                }
                while (Math.Abs(e[l]) > eps * tst1);
            }

            d[l] += f;
            e[l] = 0;
        }

        // Sort ascending, moving the vectors along.
        for (var i = 0; i < n - 1; i++)
        {
            var k = i;
            var p = d[i];
            for (var j = i + 1; j < n; j++)
            {
                if (d[j] < p)
                {
                    k = j;
                    p = d[j];
                }
            }

            if (k != i)
            {
                d[k] = d[i];
                d[i] = p;
                for (var j = 0; j < n; j++)
                {
                    (v[i * n + j], v[k * n + j]) = (v[k * n + j], v[i * n + j]);
                }
            }
        }
    }

    private static void Transpose(double[] a, int n)
    {
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                (a[i * n + j], a[j * n + i]) = (a[j * n + i], a[i * n + j]);
            }
        }
    }

    private static double Hypot(double a, double b) => Math.Sqrt(a * a + b * b);
}
