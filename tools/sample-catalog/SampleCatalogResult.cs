namespace ImageSearch.SampleCatalog;

/// <summary>What <see cref="SampleCatalogBuilder.Build"/> did.</summary>
/// <param name="MatchesPinnedCatalog">Whether products.csv came out byte for byte as the pinned (mirror's) one.</param>
public sealed record SampleCatalogResult(IReadOnlyList<SampleProduct> Products, int ImagesWritten, string CatalogPath, bool MatchesPinnedCatalog);
