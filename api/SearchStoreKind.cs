namespace ImageSearch.Api;

/// <summary>Where the searched vectors live (<c>ImageSearch:Store</c>).</summary>
public enum SearchStoreKind
{
    /// <summary>The index files beside the service, mapped by each replica and hot-reloaded from disk (the default).</summary>
    Embedded,

    /// <summary>A PostgreSQL + pgvector database shared by every replica; versions published by <c>build-index publish</c>.</summary>
    Postgres,
}
