namespace ImageSearch.Core.Catalog;

/// <summary>The catalog file cannot be used as it is; <see cref="Errors"/> says where and why, line by line.</summary>
public sealed class CatalogFormatException : ImageSearchStartupException
{
    public CatalogFormatException(string path, IReadOnlyList<CatalogError> errors)
        : base($"{path}: {errors.Count} problem(s); first: {errors[0]}")
    {
        Path = path;
        Errors = errors;
    }

    public string Path { get; }

    public IReadOnlyList<CatalogError> Errors { get; }
}
