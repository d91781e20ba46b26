using System.Text.Json.Serialization;
using ImageSearch.Core.Catalog;

namespace ImageSearch.Api.Contracts;

/// <summary>A catalog product; <c>url</c> is the shop's own page for it, from the catalog's <c>url</c> column.</summary>
public sealed record ProductResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("price")] decimal? Price,
    [property: JsonPropertyName("image_src")] string ImageSrc,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url = null)
{
    public static ProductResponse From(Product product) =>
        new(product.Id, product.Name, product.Category, product.Price, ImageSource(product), ShopUrl(product));

    /// <summary>
    /// The catalog's <c>url</c> column when it is an absolute http(s) URL; anything else (a javascript: or relative
    /// link) is left out rather than handed to a page that would link to it.
    /// </summary>
    public static string? ShopUrl(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return product.Extra.TryGetValue("url", out var url)
            && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.AbsoluteUri
            : null;
    }

    /// <summary><c>/images/{id}</c> for a catalog file; the original URL for a remote image.</summary>
    public static string ImageSource(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return Uri.TryCreate(product.ImageUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? product.ImageUrl
            : "/images/" + Uri.EscapeDataString(product.Id);
    }
}
