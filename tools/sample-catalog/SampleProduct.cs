namespace ImageSearch.SampleCatalog;

/// <summary>One row of the sample catalog's products.csv.</summary>
public sealed record SampleProduct(string Id, string Name, string Category, decimal Price, string ImageUrl);
