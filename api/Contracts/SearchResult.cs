using System.Text.Json.Serialization;
using ImageSearch.Core.Query.Search;

namespace ImageSearch.Api.Contracts;

/// <summary>A product found by a search.</summary>
/// <param name="Id">The product id.</param>
/// <param name="Name">The product name.</param>
/// <param name="Category">The product category.</param>
/// <param name="Price">The price, or null when the catalog has none.</param>
/// <param name="ImageSrc"><c>/images/{id}</c> for a catalog file, the original URL for a remote image.</param>
/// <param name="Score">
/// The estimated probability, 0–1, that the product is a relevant match (same category, or the same product where the
/// catalog has groups), calibrated per catalog when the index was built; what <c>threshold</c> applies to. An index
/// built without calibration reports the cosine similarity, clamped to 0–1.
/// </param>
/// <param name="Similarity">The raw cosine similarity of the embeddings, rounded to 4 decimals.</param>
/// <param name="SameProduct">Whether the product is a near-duplicate of the query ("this exact item"), by the stricter calibrated cut.</param>
public sealed record SearchResult(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("price")] decimal? Price,
    [property: JsonPropertyName("image_src")] string ImageSrc,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("similarity")] double Similarity,
    [property: JsonPropertyName("same_product")] bool SameProduct)
{
    public static SearchResult From(ProductMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var product = match.Product;
        return new SearchResult(
            product.Id,
            product.Name,
            product.Category,
            product.Price,
            ProductResponse.ImageSource(product),
            Math.Round(Math.Clamp((double)match.Score, 0, 1), 4),
            Math.Round((double)match.Similarity, 4),
            match.SameProduct);
    }
}
