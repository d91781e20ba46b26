namespace ImageSearch.Core.Catalog;

/// <summary>Gets the bytes of a catalog image, from disk or over http(s).</summary>
public interface ICatalogImageLoader
{
    /// <summary>Throws <see cref="ImageLoadException"/> with a reason fit for a failed-rows table.</summary>
    Task<byte[]> LoadAsync(ImageLocation location, CancellationToken cancellationToken);
}
