using System.Globalization;
using System.Text.RegularExpressions;

namespace ImageSearch.Core.Postgres;

/// <summary>
/// The tables of the store, in one schema:
/// <list type="bullet">
/// <item><c>versions</c>: one row per published index (its metadata as JSON, model, catalog, HNSW parameters, timings);</item>
/// <item><c>current_version</c>: one row naming the version every replica serves; switching it is one UPDATE;</item>
/// <item><c>products_v{N}</c>: version N's catalog rows (every column) with their vectors and HNSW index, so that an
/// old version is dropped whole (<c>DROP TABLE</c>) and a new one never shares an index with it.</item>
/// </list>
/// </summary>
public static partial class PostgresSchema
{
    /// <summary>Whether <paramref name="name"/> can be written into SQL unquoted (a schema name from the settings).</summary>
    public static bool IsPlainIdentifier(string? name) => name is { Length: > 0 and <= 63 } && PlainIdentifier().IsMatch(name);

    /// <summary>The products table of <paramref name="version"/>.</summary>
    public static string ProductsTable(string schema, long version) =>
        string.Create(CultureInfo.InvariantCulture, $"{schema}.products_v{version}");

    /// <summary>Creates the extension, the schema and its two small tables when missing (what <c>publish</c> needs first).</summary>
    public static string Create(string schema) => $"""
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE SCHEMA IF NOT EXISTS {schema};
        CREATE TABLE IF NOT EXISTS {schema}.versions (
            version bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now(),
            published_at timestamptz,
            retired_at timestamptz,
            dropped_at timestamptz,
            row_count integer NOT NULL,
            dimension integer NOT NULL,
            model_sha256 text NOT NULL,
            preprocessing text NOT NULL,
            catalog_sha256 text NOT NULL,
            extra_columns text[] NOT NULL,
            hnsw_m integer NOT NULL,
            hnsw_ef_construction integer NOT NULL,
            load_seconds double precision,
            index_seconds double precision,
            metadata jsonb NOT NULL);
        CREATE TABLE IF NOT EXISTS {schema}.current_version (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            version bigint NOT NULL REFERENCES {schema}.versions (version),
            switched_at timestamptz NOT NULL DEFAULT now());
        """;

    /// <summary>
    /// A version's products table, without indexes (they are built after the bulk load, which is faster). Every
    /// catalog row is there; <c>row</c> numbers the ones with a vector (0…n−1, the searched rows), and is null, like
    /// <c>embedding</c>, for a product whose image could not be used when the index was built.
    /// </summary>
    public static string CreateProducts(string table, int dimension) => string.Create(CultureInfo.InvariantCulture, $"""
        CREATE TABLE {table} (
            row integer,
            id text NOT NULL,
            name text NOT NULL,
            category text NOT NULL,
            price numeric,
            image_url text NOT NULL,
            line integer NOT NULL,
            extra jsonb NOT NULL,
            image_sha256 text,
            embedding vector({dimension}),
            CHECK ((row IS NULL) = (embedding IS NULL)))
        """);

    /// <summary>The keys and the filter columns' indexes of a loaded products table.</summary>
    public static string IndexProducts(string table, long version) => string.Create(CultureInfo.InvariantCulture, $"""
        ALTER TABLE {table} ADD PRIMARY KEY (id), ADD UNIQUE (row);
        CREATE INDEX products_v{version}_category ON {table} (lower(category));
        CREATE INDEX products_v{version}_price ON {table} (price);
        """);

    /// <summary>
    /// The HNSW index over the vectors, for cosine distance (the vectors are L2-normalised, so cosine ranks as the
    /// embedded index's dot product does).
    /// </summary>
    public static string CreateHnsw(string table, long version, int m, int efConstruction) => string.Create(CultureInfo.InvariantCulture,
        $"CREATE INDEX products_v{version}_embedding ON {table} USING hnsw (embedding vector_cosine_ops) WITH (m = {m}, ef_construction = {efConstruction})");

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex PlainIdentifier();
}
