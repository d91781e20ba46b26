namespace ImageSearch.Core.Catalog;

/// <summary>One catalog row.</summary>
/// <param name="Line">The CSV line the row starts on (1 is the header), for messages.</param>
/// <param name="Price">Null when the catalog leaves it empty.</param>
/// <param name="Extra">Columns beyond the required five (e.g. <c>group</c>, <c>brand</c>), passed through.</param>
public sealed record Product(
    string Id,
    string Name,
    string Category,
    decimal? Price,
    string ImageUrl,
    int Line,
    IReadOnlyDictionary<string, string> Extra)
{
    /// <summary>The product's <c>group</c> column (the exact product or variety), if the catalog has one.</summary>
    public string? Group => Extra.TryGetValue("group", out var group) && group.Length > 0 ? group : null;
}
