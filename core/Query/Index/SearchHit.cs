namespace ImageSearch.Core.Query.Index;

/// <summary>A row of the index and its cosine similarity to the query.</summary>
public readonly record struct SearchHit(int Row, float Score);
