using ImageSearch.Core.Catalog;

namespace ImageSearch.Core.Search;

/// <summary>A product found by a search and its cosine similarity to the query (−1…1, 1 for the same picture).</summary>
public sealed record ProductMatch(Product Product, float Similarity);
