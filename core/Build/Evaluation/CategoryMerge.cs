namespace ImageSearch.Core.Build.Evaluation;

/// <summary>
/// Sets of categories counted as one for the merged precision (e.g. Shirt, Blouse and Top: a shopper who sent a blouse
/// is served by a shirt). Each set's first category names it; a category in no set is its own.
/// </summary>
public sealed class CategoryMerge
{
    private readonly Dictionary<string, string> _nameOf;

    private CategoryMerge(Dictionary<string, string> nameOf) => _nameOf = nameOf;

    public static CategoryMerge None { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The merge of <paramref name="sets"/>; a category in two sets belongs to the later one.</summary>
    public static CategoryMerge Of(IEnumerable<IReadOnlyList<string>>? sets)
    {
        var nameOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var set in sets ?? [])
        {
            foreach (var category in set)
            {
                nameOf[category] = set[0];
            }
        }

        return new CategoryMerge(nameOf);
    }

    /// <summary>Whether any category is merged with another.</summary>
    public bool IsEmpty => _nameOf.Count == 0;

    /// <summary>The name of the set <paramref name="category"/> is in (itself when in none).</summary>
    public string NameOf(string category) => _nameOf.GetValueOrDefault(category, category);

    public bool Same(string a, string b) => string.Equals(NameOf(a), NameOf(b), StringComparison.Ordinal);
}
