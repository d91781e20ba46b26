using ImageSearch.Core.Catalog;

namespace ImageSearch.Core.Query.Search;

/// <summary>
/// What filters look at, one entry per index row in flat arrays (a category number, a price), so a filter costs an
/// array read per row inside the scan instead of a string-set lookup on a product: at a million rows that is the
/// difference between a filtered search being faster than an unfiltered one and being twice as slow.
/// </summary>
internal sealed class RowAttributes
{
    private readonly int[] _categoryOfRow;
    private readonly double[] _priceOfRow;
    private readonly Dictionary<string, int> _categoryNumber = new(StringComparer.OrdinalIgnoreCase);

    public RowAttributes(IReadOnlyList<Product> productOfRow)
    {
        _categoryOfRow = new int[productOfRow.Count];
        _priceOfRow = new double[productOfRow.Count];
        for (var row = 0; row < productOfRow.Count; row++)
        {
            var product = productOfRow[row];
            if (!_categoryNumber.TryGetValue(product.Category, out var number))
            {
                number = _categoryNumber.Count;
                _categoryNumber.Add(product.Category, number);
            }

            _categoryOfRow[row] = number;
            _priceOfRow[row] = product.Price is { } price ? (double)price : double.NaN;
        }
    }

    /// <summary>The rows <paramref name="filter"/> matches, less <paramref name="excludedRow"/>; null when that is every row.</summary>
    public Func<int, bool>? Predicate(ProductFilter filter, int excludedRow)
    {
        if (filter.IsEmpty)
        {
            return excludedRow < 0 ? null : row => row != excludedRow;
        }

        bool[]? allowed = null;
        if (filter.Categories is { Count: > 0 } categories)
        {
            allowed = new bool[_categoryNumber.Count];
            foreach (var category in categories)
            {
                if (_categoryNumber.TryGetValue(category, out var number))
                {
                    allowed[number] = true;
                }
            }
        }

        // A product without a price matches no price bound (NaN fails both comparisons).
        var min = filter.MinPrice is { } lower ? (double)lower : double.NegativeInfinity;
        var max = filter.MaxPrice is { } upper ? (double)upper : double.PositiveInfinity;
        var priced = filter.MinPrice is not null || filter.MaxPrice is not null;
        var categoryOfRow = _categoryOfRow;
        var priceOfRow = _priceOfRow;
        return row => row != excludedRow
            && (allowed is null || allowed[categoryOfRow[row]])
            && (!priced || (priceOfRow[row] >= min && priceOfRow[row] <= max));
    }
}
