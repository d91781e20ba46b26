namespace ImageSearch.Core.Catalog;

/// <summary>The products of one catalog file, in file order, with what is needed to find their images.</summary>
public sealed class ProductCatalog
{
    private readonly Dictionary<string, Product> _byId;

    public ProductCatalog(string path, IReadOnlyList<Product> products, IReadOnlyList<string> extraColumns, string sha256)
    {
        Path = System.IO.Path.GetFullPath(path);
        Products = products;
        ExtraColumns = extraColumns;
        Sha256 = sha256;
        _byId = products.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>Full path of the catalog file; relative image paths are relative to its folder.</summary>
    public string Path { get; }

    public IReadOnlyList<Product> Products { get; }

    /// <summary>Columns beyond id, name, category, price and image_url, in file order.</summary>
    public IReadOnlyList<string> ExtraColumns { get; }

    /// <summary>SHA-256 of the catalog file's bytes, stored with the index built from it.</summary>
    public string Sha256 { get; }

    public int Count => Products.Count;

    public Product? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Where a product's image comes from: an http(s) URL, or a file (relative paths from the catalog's folder).</summary>
    public ImageLocation LocateImage(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var reference = product.ImageUrl;
        if (Uri.TryCreate(reference, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return ImageLocation.Remote(uri);
        }

        if (reference.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(reference, UriKind.Absolute, out var file))
        {
            return ImageLocation.Local(file.LocalPath);
        }

        var directory = System.IO.Path.GetDirectoryName(Path)!;
        return ImageLocation.Local(System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, reference)));
    }
}
