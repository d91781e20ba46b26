namespace ImageSearch.Core.Catalog;

/// <summary>A problem with one line of a catalog file.</summary>
public sealed record CatalogError(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}
