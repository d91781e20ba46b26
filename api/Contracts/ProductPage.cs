using System.Text.Json.Serialization;

namespace ImageSearch.Api.Contracts;

/// <summary>One page of products, in catalog order.</summary>
public sealed record ProductPage(
    [property: JsonPropertyName("items")] IReadOnlyList<ProductResponse> Items,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("page_size")] int PageSize,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("total_pages")] int TotalPages);
