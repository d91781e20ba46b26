using ImageSearch.Core.Catalog;

namespace ImageSearch.BuildIndex;

/// <summary>How the tool reads catalog images.</summary>
internal static class ImageLoaders
{
    public static ICatalogImageLoader Create() => new CatalogImageLoader();
}
