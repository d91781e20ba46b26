using ImageSearch.Api.Contracts;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Search;

namespace ImageSearch.Tests.Api;

public sealed class SearchResultTests
{
    private static readonly Product Shoe = new("S1", "Red Shoe", "Shoes", 49.99m, "images/s1.jpg", 2, new Dictionary<string, string>());

    [Test]
    public void Score_is_the_calibrated_probability_and_similarity_the_raw_cosine()
    {
        var result = SearchResult.From(new ProductMatch(Shoe, Similarity: 0.83456f, Score: 0.41234f, SameProduct: false));

        Assert.That(result.Score, Is.EqualTo(0.4123));
        Assert.That(result.Similarity, Is.EqualTo(0.8346));
        Assert.That(result.SameProduct, Is.False);
    }

    [Test]
    public void A_near_duplicate_is_flagged_as_the_same_product()
    {
        var result = SearchResult.From(new ProductMatch(Shoe, Similarity: 0.97f, Score: 0.99f, SameProduct: true));

        Assert.That(result.SameProduct, Is.True);
        Assert.That(result.ImageSrc, Is.EqualTo("/images/S1"));
    }
}
