using System.Numerics.Tensors;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Search;

public sealed class VectorIndexTests
{
    [TestCase(50, 5)]
    [TestCase(10_000, 10)]
    public void Search_returns_the_exact_top_k_sorted_by_score(int rows, int k)
    {
        var (index, vectors) = RandomIndex(rows, dimension: 64, seed: rows);
        var query = RandomUnitVector(64, new Random(7));

        var hits = index.Search(query, k);

        var expected = Enumerable.Range(0, rows)
            .Select(r => (Row: r, Score: TensorPrimitives.Dot(query, vectors.AsSpan(r * 64, 64))))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Row).Take(k).ToList();
        Assert.That(hits.Select(h => h.Row), Is.EqualTo(expected.Select(e => e.Row)));
        Assert.That(hits.Select(h => h.Score), Is.Ordered.Descending);
    }

    [Test]
    public void A_filter_keeps_only_the_rows_it_includes()
    {
        var (index, _) = RandomIndex(200, dimension: 16, seed: 1);

        var hits = index.Search(RandomUnitVector(16, new Random(2)), 10, row => row % 3 == 0);

        Assert.That(hits, Has.Count.EqualTo(10));
        Assert.That(hits.Select(h => h.Row % 3), Has.All.Zero);
    }

    [Test]
    public void A_filtered_search_gives_each_product_the_very_score_the_unfiltered_one_does()
    {
        var (index, _) = RandomIndex(301, dimension: 37, seed: 11);
        var query = RandomUnitVector(37, new Random(12));

        var all = index.Search(query, 301).ToDictionary(h => h.Row, h => h.Score);
        var filtered = index.Search(query, 301, row => row % 2 == 1);

        Assert.That(filtered, Has.Count.EqualTo(150));
        Assert.That(filtered.Select(h => h.Score), Is.EqualTo(filtered.Select(h => all[h.Row])));
    }

    [Test]
    public void Asking_for_more_rows_than_there_are_returns_them_all()
    {
        var (index, _) = RandomIndex(3, dimension: 8, seed: 3);

        Assert.That(index.Search(RandomUnitVector(8, new Random(4)), 10), Has.Count.EqualTo(3));
    }

    [Test]
    public void A_vector_finds_itself_first_with_score_one()
    {
        var (index, vectors) = RandomIndex(100, dimension: 32, seed: 5);

        var hit = index.Search(vectors.AsSpan(42 * 32, 32), 1).Single();

        Assert.That(hit.Row, Is.EqualTo(42));
        Assert.That(hit.Score, Is.EqualTo(1f).Within(1e-5f));
    }

    [Test]
    public void A_query_of_the_wrong_length_is_refused()
    {
        var (index, _) = RandomIndex(3, dimension: 8, seed: 3);

        Assert.Throws<ArgumentException>(() => index.Search(new float[7], 1));
    }

    private static (VectorIndex Index, float[] Vectors) RandomIndex(int rows, int dimension, int seed)
    {
        var random = new Random(seed);
        var vectors = new float[rows * dimension];
        for (var r = 0; r < rows; r++)
        {
            RandomUnitVector(dimension, random).CopyTo(vectors.AsSpan(r * dimension));
        }

        return (new VectorIndex(new VectorRows(vectors, dimension)), vectors);
    }

    private static float[] RandomUnitVector(int dimension, Random random)
    {
        var v = Enumerable.Range(0, dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }
}
