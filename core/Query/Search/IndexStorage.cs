namespace ImageSearch.Core.Query.Search;

/// <summary>Where a loaded index's vectors come from and how they are searched.</summary>
public enum IndexStorage
{
    /// <summary>Parsed from index.csv into memory; exact search.</summary>
    Csv,

    /// <summary>index.bin mapped; exact search over its vectors.</summary>
    BinaryExact,

    /// <summary>index.bin mapped; compact codes scanned, candidates rescored exactly from the file.</summary>
    BinaryCompact,

    /// <summary>A published version in PostgreSQL: searched there by its HNSW index (pgvector).</summary>
    Postgres,
}
