using System.Text.Json.Serialization;
using ImageSearch.Core.Catalog;

namespace ImageSearch.Api.Contracts;

/// <summary>A catalog product.</summary>
public sealed record ProductResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("price")] decimal? Price,
    [property: JsonPropertyName("image_src")] string ImageSrc)
{
    public static ProductResponse From(Product product) =>
        new(product.Id, product.Name, product.Category, product.Price, ImageSource(product));

    /// <summary><c>/images/{id}</c> for a catalog file; the original URL for a remote image.</summary>
    public static string ImageSource(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return Uri.TryCreate(product.ImageUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? product.ImageUrl
            : "/images/" + Uri.EscapeDataString(product.Id);
    }
}
