using System.Numerics.Tensors;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Tests.Search;

public sealed class CompactVectorIndexTests
{
    private const int Dimension = 96;

    [Test]
    public void A_catalog_no_larger_than_the_exact_pass_is_searched_exactly()
    {
        var vectors = SyntheticVectors.Uniform(150, Dimension, seed: 1);
        var index = CompactVectorIndex.Build(new VectorRows(vectors, Dimension), coarseDimension: 16, new CompactSearchOptions { ExactCandidates = 200 });
        var query = SyntheticVectors.Uniform(1, Dimension, seed: 2);

        var hits = index.Search(query, 10);

        Assert.That(hits.Select(h => h.Row), Is.EqualTo(SyntheticVectors.ExactTop(vectors, Dimension, query, 10)));
        Assert.That(hits.Select(h => h.Score), Is.Ordered.Descending);
    }

    [Test]
    public void Results_carry_exact_cosines_not_approximations()
    {
        var vectors = SyntheticVectors.Clustered(5000, Dimension, clusters: 40, noise: 0.5f, seed: 3);
        var index = CompactVectorIndex.Build(new VectorRows(vectors, Dimension), coarseDimension: 24);
        var query = vectors.AsSpan(17 * Dimension, Dimension).ToArray();

        var hits = index.Search(query, 10);

        Assert.That(hits[0].Row, Is.EqualTo(17));
        foreach (var hit in hits)
        {
            // The exact scan's arithmetic to the bit, so both indexes give a product the same score.
            Assert.That(hit.Score, Is.EqualTo(DenseMath.Dot(vectors.AsSpan(hit.Row * Dimension, Dimension), query)));
            Assert.That(hit.Score, Is.EqualTo(TensorPrimitives.Dot(query, vectors.AsSpan(hit.Row * Dimension, Dimension))).Within(1e-6f));
        }
    }

    [Test]
    public void Recall_at_10_on_clustered_vectors_is_at_least_0_99_with_the_default_candidates()
    {
        const int rows = 40_000;
        var vectors = SyntheticVectors.Clustered(rows, Dimension, clusters: 200, noise: 0.6f, seed: 4);
        var queries = SyntheticVectors.Clustered(50, Dimension, clusters: 200, noise: 0.6f, seed: 4 + 1000);
        var index = CompactVectorIndex.Build(new VectorRows(vectors, Dimension), coarseDimension: 24);

        var found = 0;
        for (var q = 0; q < 50; q++)
        {
            var query = queries.AsSpan(q * Dimension, Dimension);
            var exact = SyntheticVectors.ExactTop(vectors, Dimension, query, 10);
            found += index.Search(query, 10).Count(h => exact.Contains(h.Row));
        }

        var recall = found / 500.0;
        TestContext.Out.WriteLine($"recall@10 = {recall:F3}");
        Assert.That(recall, Is.GreaterThanOrEqualTo(0.99));
    }

    [Test]
    public void A_filter_ranks_only_matching_rows_and_still_finds_their_exact_top_k()
    {
        var vectors = SyntheticVectors.Clustered(50_000, Dimension, clusters: 100, noise: 0.5f, seed: 5);
        var index = CompactVectorIndex.Build(new VectorRows(vectors, Dimension), coarseDimension: 24);
        var query = SyntheticVectors.Clustered(1, Dimension, clusters: 100, noise: 0.5f, seed: 6);
        static bool OneIn17(int row) => row % 17 == 0;

        var hits = index.Search(query, 10, OneIn17);

        Assert.That(hits.Select(h => h.Row), Is.EqualTo(SyntheticVectors.ExactTop(vectors, Dimension, query, 10, OneIn17)));
    }

    [Test]
    public void A_filter_that_leaves_fewer_rows_than_k_returns_just_those()
    {
        var vectors = SyntheticVectors.Uniform(50_000, Dimension, seed: 7);
        var index = CompactVectorIndex.Build(new VectorRows(vectors, Dimension), coarseDimension: 24);

        var hits = index.Search(vectors.AsSpan(0, Dimension), 10, row => row is 3 or 40_000);

        Assert.That(hits.Select(h => h.Row).Order(), Is.EqualTo(new[] { 3, 40_000 }));
    }

    [Test]
    public void A_query_of_the_wrong_length_is_refused()
    {
        var index = CompactVectorIndex.Build(new VectorRows(SyntheticVectors.Uniform(300, Dimension, seed: 8), Dimension), coarseDimension: 16);

        Assert.Throws<ArgumentException>(() => index.Search(new float[Dimension - 1], 5));
    }
}
