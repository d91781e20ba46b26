using ImageSearch.Core.Build.Evaluation;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.LinearAlgebra;

namespace ImageSearch.Lab.Experiments;

/// <summary>A labelled set for the experiments: the catalog and the query photos, with their embeddings per variant (<see cref="PhotoVariants"/>).</summary>
internal sealed class LabData
{
    public LabData(ProductCatalog catalog, IReadOnlyList<QueryImage> queries, VariantEmbedder embedder, IReadOnlyList<string> catalogVariants, IReadOnlyList<string> queryVariants)
    {
        Products = [.. catalog.Products];
        Queries = queries;
        Catalog = embedder.Embed([.. Products.Select(p => catalog.LocateImage(p).FilePath!)], catalogVariants);
        QueryVectors = embedder.Embed([.. queries.Select(q => q.ImagePath)], queryVariants);
        Halves = [.. queries.Select(q => QuerySplit.HalfOf(q.Id))];
        HasGroups = queries.Any(q => q.Group is not null) && Products.Any(p => p.Group is not null);
    }

    public Product[] Products { get; }

    public IReadOnlyList<QueryImage> Queries { get; }

    /// <summary>Catalog vectors per variant, a row per product in catalog order.</summary>
    public Dictionary<string, VectorRows> Catalog { get; }

    /// <summary>Query vectors per variant, a row per query in query-file order.</summary>
    public Dictionary<string, VectorRows> QueryVectors { get; }

    public QueryHalf[] Halves { get; }

    /// <summary>Whether a query's answer is the exact product (grocery) rather than its category (clothing).</summary>
    public bool HasGroups { get; }

    public int[] QueriesOf(QueryHalf half) => [.. Enumerable.Range(0, Queries.Count).Where(i => Halves[i] == half)];

    /// <summary>Catalog index of each query's exact product (−1 when none).</summary>
    public int[] ProductOfQuery() => [.. Queries.Select(q => q.Group is null ? -1 : Array.FindIndex(Products, p => p.Group == q.Group))];
}
