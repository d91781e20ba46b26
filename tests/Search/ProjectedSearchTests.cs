using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using ImageSearch.Tests.Catalog;
using ImageSearch.Tests.Indexing;

namespace ImageSearch.Tests.Search;

/// <summary>An index with a learned metric head (<c>projection</c> in its metadata) searches in the head's space.</summary>
public sealed class ProjectedSearchTests
{
    // Raw 3-d embeddings: the query (1, 0.1, 0.2) is closer to B (0.92) than to A (0.86). The head drops the first
    // component and weighs the second ten times the third, so in its 2-d space the query is almost A.
    private static readonly float[] Embeddings = [0.8f, 0.6f, 0f, 0.8f, 0f, 0.6f];
    private static readonly float[] Query = Unit([1f, 0.1f, 0.2f]);
    private static readonly LinearProjection Head = LinearProjection.Create([0f, 0f, 0f], [0f, 1f, 0f, 0f, 0f, 0.1f], outputDimension: 2);

    [Test]
    public void A_projection_learned_at_build_time_is_applied_to_the_catalog_and_to_every_query()
    {
        var plain = Service(projection: null);
        var projected = Service(Head);

        var before = plain.Search(QueryEmbedding.Features(Query), new SearchRequest(2, 0f));
        var after = projected.Search(QueryEmbedding.Features(Query), new SearchRequest(2, 0f));

        Assert.That(before.Select(m => m.Product.Id), Is.EqualTo(new[] { "B", "A" }), "raw cosine");
        Assert.That(after.Select(m => m.Product.Id), Is.EqualTo(new[] { "A", "B" }), "cosine in the head's space");
        var q = Head.Apply(Query);
        Assert.That(after[0].Similarity, Is.EqualTo(q[0]).Within(1e-5f), "A projects to (1, 0)");
        Assert.That(projected.Vectors.Dimension, Is.EqualTo(2));
    }

    [Test]
    public void A_products_stored_vector_is_in_the_searched_space_so_similar_products_go_through_the_head_once()
    {
        var service = Service(Head);

        var stored = service.VectorOf("A")!;
        var similar = service.Search(stored, new SearchRequest(2, 0f));

        Assert.That(stored.Space, Is.EqualTo(EmbeddingSpace.Searched));
        Assert.That(stored.Vector.ToArray(), Is.EqualTo(Head.Apply(Embeddings.AsSpan(0, 3))));
        Assert.That(similar[0].Product.Id, Is.EqualTo("A"));
        Assert.That(similar[0].Similarity, Is.EqualTo(1f).Within(1e-5f));
    }

    [Test]
    public void A_feature_vector_goes_through_the_head_and_a_searched_one_does_not()
    {
        var service = Service(Head);
        var projected = Head.Apply(Query);

        var asFeatures = service.Search(QueryEmbedding.Features(Query), new SearchRequest(2, 0f));
        var asSearched = service.Search(QueryEmbedding.Searched(projected), new SearchRequest(2, 0f));

        Assert.That(asSearched.Select(m => (m.Product.Id, m.Similarity)), Is.EqualTo(asFeatures.Select(m => (m.Product.Id, m.Similarity))));
    }

    [Test]
    public void A_query_whose_length_is_not_that_of_its_space_is_refused_rather_than_taken_for_the_other_space()
    {
        var service = Service(Head);
        var twoD = QueryEmbedding.Features([1f, 0f]);
        var threeD = QueryEmbedding.Searched(Query);

        var features = Assert.Throws<ArgumentException>(() => service.Search(twoD, new SearchRequest(2, 0f)));
        var searched = Assert.Throws<ArgumentException>(() => service.Search(threeD, new SearchRequest(2, 0f)));

        Assert.That(features!.Message, Does.StartWith("The query is a 2-d feature vector; this index takes 3-d feature vectors."), "2-d is the searched space's length, but a feature vector is never taken as searched");
        Assert.That(searched!.Message, Does.StartWith("The query is a 3-d vector in the searched space; this index takes 2-d vectors in its searched space."));
    }

    [Test]
    public void Without_a_head_the_feature_space_is_the_searched_space()
    {
        var service = Service(projection: null);

        var asFeatures = service.Search(QueryEmbedding.Features(Query), new SearchRequest(2, 0f));
        var asSearched = service.Search(QueryEmbedding.Searched(Query), new SearchRequest(2, 0f));

        Assert.That(asSearched.Select(m => (m.Product.Id, m.Similarity)), Is.EqualTo(asFeatures.Select(m => (m.Product.Id, m.Similarity))));
        Assert.Throws<ArgumentException>(() => service.Search(QueryEmbedding.Features([1f, 0f]), new SearchRequest(2, 0f)));
    }

    [Test]
    public void A_query_embedding_says_its_space_and_has_at_least_one_component()
    {
        Assert.That(QueryEmbedding.Features([1f, 0f]).Space, Is.EqualTo(EmbeddingSpace.Features));
        Assert.That(QueryEmbedding.Searched([1f]).Space, Is.EqualTo(EmbeddingSpace.Searched));
        Assert.That(QueryEmbedding.Features([0.6f, 0.8f]).Vector.ToArray(), Is.EqualTo(new[] { 0.6f, 0.8f }));
        Assert.Throws<ArgumentException>(() => QueryEmbedding.Features([]));
        Assert.Throws<ArgumentNullException>(() => QueryEmbedding.Searched(null!));
    }

    [Test]
    public void The_projection_round_trips_through_the_index_metadata_and_a_mismatched_one_is_refused()
    {
        var path = IndexFileTests.TempIndexPath();
        TestIndexes.Write(path, ["A", "B"], Embeddings, 3, projection: Head);

        var loaded = IndexFile.Load(path).Metadata.Projection!;

        Assert.That(loaded.Apply(Query), Is.EqualTo(Head.Apply(Query)));
        Assert.That(File.ReadAllText(IndexMetadata.PathFor(path)), Does.Contain("\"projection\"").And.Contain("\"output_dimension\": 2"));

        var wrong = LinearProjection.Create([0f, 0f], [1f, 0f], outputDimension: 1);
        TestIndexes.Write(path, ["A", "B"], Embeddings, 3, projection: wrong);
        Assert.That(() => IndexFile.Load(path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("takes 2-d vectors, not 3-d"));

        var square = LinearProjection.Create([0f, 0f, 0f], new float[9], outputDimension: 3);
        TestIndexes.Write(path, ["A", "B"], Embeddings, 3, projection: square);
        Assert.That(() => IndexFile.Load(path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("fewer dimensions than it takes"));
    }

    [Test]
    public void An_index_without_a_projection_has_none_in_its_metadata()
    {
        var path = IndexFileTests.TempIndexPath();
        TestIndexes.Write(path, ["A", "B"], Embeddings, 3);

        Assert.That(IndexFile.Load(path).Metadata.Projection, Is.Null);
        Assert.That(File.ReadAllText(IndexMetadata.PathFor(path)), Does.Not.Contain("projection"));
    }

    private static CatalogSnapshot Service(LinearProjection? projection)
    {
        var path = IndexFileTests.TempIndexPath();
        TestIndexes.Write(path, ["A", "B"], Embeddings, 3, projection: projection);
        var catalog = CatalogReader.Read(CatalogReaderTests.Write("id,name,category,price,image_url\nA,a,Hat,1,a.jpg\nB,b,Hat,1,b.jpg\n"));
        return new CatalogSnapshot(catalog, IndexFile.Load(path));
    }

    private static float[] Unit(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }
}
