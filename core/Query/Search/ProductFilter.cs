using ImageSearch.Core.Catalog;

namespace ImageSearch.Core.Query.Search;

/// <summary>
/// Which products a search may return: any of a set of categories (compared ignoring case) and a price range
/// (inclusive). A product without a price never matches a price bound. The empty filter matches everything.
/// </summary>
public sealed record ProductFilter
{
    public static readonly ProductFilter None = new();

    /// <summary>Categories to keep; null or empty keeps every category.</summary>
    public IReadOnlySet<string>? Categories { get; init; }

    public decimal? MinPrice { get; init; }

    public decimal? MaxPrice { get; init; }

    public bool IsEmpty => Categories is not { Count: > 0 } && MinPrice is null && MaxPrice is null;

    /// <summary>A filter over <paramref name="categories"/> (blank ones ignored), compared ignoring case.</summary>
    public static IReadOnlySet<string>? CategorySet(IEnumerable<string>? categories)
    {
        var set = categories?.Select(c => c.Trim()).Where(c => c.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return set is { Count: > 0 } ? set : null;
    }

    public bool Matches(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        if (Categories is { Count: > 0 } categories && !categories.Contains(product.Category))
        {
            return false;
        }

        if (MinPrice is { } min && (product.Price is not { } price || price < min))
        {
            return false;
        }

        return MaxPrice is not { } max || (product.Price is { } p && p <= max);
    }
}
