using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ImageSearch.Core.Query.Index;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace ImageSearch.Core.Postgres;

/// <summary>How a version is published.</summary>
public sealed record PublishOptions
{
    /// <summary>HNSW links per node (pgvector's default, 16): more links, better recall, a larger and slower-built index.</summary>
    public int HnswM { get; init; } = 16;

    /// <summary>HNSW candidates kept while building (pgvector's default, 64): higher builds slower and finds better links.</summary>
    public int HnswEfConstruction { get; init; } = 64;

    /// <summary>
    /// How long a version that stopped being current is kept before it is dropped: longer than the replicas' poll
    /// interval plus the longest request, so nothing still searching it loses its table.
    /// </summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Publish and index the version, but leave the current one in place (switch later with <see cref="IndexPublisher.SwitchAsync"/>).</summary>
    public bool Switch { get; init; } = true;
}

/// <summary>What a publish did and how long each part took.</summary>
public sealed record PublishResult(long Version, int Products, int Vectors, TimeSpan Load, TimeSpan Keys, TimeSpan Hnsw, TimeSpan Switch, IReadOnlyList<long> Dropped)
{
    public double RowsPerSecond => Products / Math.Max(Load.TotalSeconds, 1e-9);
}

/// <summary>
/// Publishes a built index to PostgreSQL as a new version: the catalog rows and their vectors by binary COPY into
/// a table of their own, its keys and filter indexes, the HNSW index (<c>vector_cosine_ops</c>), ANALYZE; then one
/// transaction makes it the current version (every replica moves to it at its next poll), and versions retired more
/// than <see cref="PublishOptions.GracePeriod"/> ago are dropped. A publish that fails leaves the current version
/// as it was and removes what it wrote.
/// </summary>
public static class IndexPublisher
{
    public static async Task<PublishResult> PublishAsync(PostgresVectorStore store, PublishSource source, PublishOptions options, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        if (options.HnswM is < 2 or > 100 || options.HnswEfConstruction < 2 * options.HnswM || options.HnswEfConstruction > 1000)
        {
            throw new ArgumentException("HNSW m must be 2–100 and ef_construction at least 2·m and at most 1000 (pgvector's limits).", nameof(options));
        }

        var schema = store.Schema;
        await using var connection = await store.OpenCheckedConnectionAsync(ct);
        await Execute(connection, PostgresSchema.Create(schema), ct, timeout: 0);
        await connection.ReloadTypesAsync(ct); // the vector type may have just been created

        var metadata = source.Metadata;
        long version;
        await using (var insert = new NpgsqlCommand(
            $"""
            INSERT INTO {schema}.versions (row_count, dimension, model_sha256, preprocessing, catalog_sha256, extra_columns, hnsw_m, hnsw_ef_construction, metadata)
            VALUES (@rows, @dimension, @model, @preprocessing, @catalog, @extra, @m, @ef, @metadata) RETURNING version
            """, connection))
        {
            insert.Parameters.AddWithValue("rows", source.Ids.Count);
            insert.Parameters.AddWithValue("dimension", source.Dimension);
            insert.Parameters.AddWithValue("model", metadata.ModelSha256);
            insert.Parameters.AddWithValue("preprocessing", metadata.Preprocessing);
            insert.Parameters.AddWithValue("catalog", metadata.CatalogSha256);
            insert.Parameters.AddWithValue("extra", source.Catalog.ExtraColumns.ToArray());
            insert.Parameters.AddWithValue("m", options.HnswM);
            insert.Parameters.AddWithValue("ef", options.HnswEfConstruction);
            // The per-image hashes travel in the products table, one per row, not in this document.
            insert.Parameters.Add(new NpgsqlParameter("metadata", NpgsqlDbType.Jsonb) { Value = System.Text.Encoding.UTF8.GetString((metadata with { ImageSha256 = new Dictionary<string, string>() }).ToJson()) });
            version = (long)(await insert.ExecuteScalarAsync(ct))!;
        }

        var table = PostgresSchema.ProductsTable(schema, version);
        try
        {
            progress?.Report($"version {version}: loading {source.Catalog.Count:N0} products ({source.Ids.Count:N0} vectors of {source.Dimension}) into {table}");
            var loading = Stopwatch.StartNew();
            await Execute(connection, PostgresSchema.CreateProducts(table, source.Dimension), ct);
            await CopyAsync(connection, table, source, ct);
            var load = loading.Elapsed;
            progress?.Report(string.Create(CultureInfo.InvariantCulture, $"version {version}: loaded in {load.TotalSeconds:F1} s ({source.Catalog.Count / Math.Max(load.TotalSeconds, 1e-9):N0} rows/s)"));

            var keying = Stopwatch.StartNew();
            await Execute(connection, PostgresSchema.IndexProducts(table, version), ct, timeout: 0);
            var keys = keying.Elapsed;

            progress?.Report($"version {version}: building the HNSW index (m = {options.HnswM}, ef_construction = {options.HnswEfConstruction})");
            var indexing = Stopwatch.StartNew();
            await Execute(connection, PostgresSchema.CreateHnsw(table, version, options.HnswM, options.HnswEfConstruction), ct, timeout: 0);
            await Execute(connection, $"ANALYZE {table}", ct, timeout: 0);
            var hnsw = indexing.Elapsed;
            progress?.Report(string.Create(CultureInfo.InvariantCulture, $"version {version}: HNSW index built in {hnsw.TotalSeconds:F1} s"));
            await using (var timings = new NpgsqlCommand($"UPDATE {schema}.versions SET load_seconds = @load, index_seconds = @index WHERE version = @version", connection))
            {
                timings.Parameters.AddWithValue("load", load.TotalSeconds);
                timings.Parameters.AddWithValue("index", (keys + hnsw).TotalSeconds);
                timings.Parameters.AddWithValue("version", version);
                await timings.ExecuteNonQueryAsync(ct);
            }

            var switching = Stopwatch.StartNew();
            if (options.Switch)
            {
                await SwitchAsync(connection, schema, version, ct);
            }

            var switched = switching.Elapsed;
            var dropped = await DropRetiredAsync(connection, schema, options.GracePeriod, ct);
            return new PublishResult(version, source.Catalog.Count, source.Ids.Count, load, keys, hnsw, switched, dropped);
        }
        catch
        {
            // Nothing half-made stays behind; the current version was never touched.
            await using var cleanup = new NpgsqlCommand($"DROP TABLE IF EXISTS {table}; DELETE FROM {schema}.versions WHERE version = {version.ToString(CultureInfo.InvariantCulture)}", connection);
            try
            {
                await cleanup.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The connection itself failed; an abandoned version is dropped by a later publish.
            }

            throw;
        }
    }

    /// <summary>Makes <paramref name="version"/> the current one, in one transaction (the previous one is marked retired).</summary>
    public static async Task SwitchAsync(PostgresVectorStore store, long version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = await store.OpenCheckedConnectionAsync(ct);
        await SwitchAsync(connection, store.Schema, version, ct);
    }

    /// <summary>Drops the versions retired more than <paramref name="gracePeriod"/> ago, and abandoned unfinished ones; returns them.</summary>
    public static async Task<IReadOnlyList<long>> DropRetiredAsync(PostgresVectorStore store, TimeSpan gracePeriod, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = await store.OpenCheckedConnectionAsync(ct);
        await Execute(connection, PostgresSchema.Create(store.Schema), ct);
        return await DropRetiredAsync(connection, store.Schema, gracePeriod, ct);
    }

    private static async Task SwitchAsync(NpgsqlConnection connection, string schema, long version, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT 1 FROM {schema}.versions WHERE version = @version AND dropped_at IS NULL FOR UPDATE;
            UPDATE {schema}.versions SET retired_at = now() WHERE version = (SELECT version FROM {schema}.current_version) AND version <> @version;
            INSERT INTO {schema}.current_version (version) VALUES (@version)
                ON CONFLICT (only_row) DO UPDATE SET version = EXCLUDED.version, switched_at = now();
            UPDATE {schema}.versions SET published_at = coalesce(published_at, now()), retired_at = NULL WHERE version = @version;
            """, connection, transaction);
        command.Parameters.AddWithValue("version", version);
        await command.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private static async Task<IReadOnlyList<long>> DropRetiredAsync(NpgsqlConnection connection, string schema, TimeSpan gracePeriod, CancellationToken ct)
    {
        var versions = new List<long>();
        await using (var find = new NpgsqlCommand(
            $"""
            SELECT version FROM {schema}.versions
            WHERE dropped_at IS NULL AND version NOT IN (SELECT version FROM {schema}.current_version)
              AND (retired_at < now() - @grace OR (published_at IS NULL AND created_at < now() - greatest(@grace, interval '1 day')))
            ORDER BY version
            """, connection))
        {
            find.Parameters.AddWithValue("grace", gracePeriod);
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                versions.Add(reader.GetInt64(0));
            }
        }

        foreach (var version in versions)
        {
            await Execute(connection, string.Create(CultureInfo.InvariantCulture,
                $"DROP TABLE IF EXISTS {PostgresSchema.ProductsTable(schema, version)}; UPDATE {schema}.versions SET dropped_at = now() WHERE version = {version}"), ct);
        }

        return versions;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, PublishSource source, CancellationToken ct)
    {
        var rowOfId = new Dictionary<string, int>(source.Ids.Count, StringComparer.Ordinal);
        for (var row = 0; row < source.Ids.Count; row++)
        {
            rowOfId[source.Ids[row]] = row;
        }

        var hashes = source.Metadata.ImageSha256;
        var buffer = new float[source.Dimension];
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {table} (row, id, name, category, price, image_url, line, extra, image_sha256, embedding) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var product in source.Catalog.Products)
        {
            await writer.StartRowAsync(ct);
            var indexed = rowOfId.TryGetValue(product.Id, out var row);
            await Write(writer, indexed ? row : (int?)null, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(product.Id, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(product.Name, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(product.Category, NpgsqlDbType.Text, ct);
            await Write(writer, product.Price, NpgsqlDbType.Numeric, ct);
            await writer.WriteAsync(product.ImageUrl, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(product.Line, NpgsqlDbType.Integer, ct);
            var extra = product.Extra as Dictionary<string, string> ?? new Dictionary<string, string>(product.Extra);
            await writer.WriteAsync(JsonSerializer.Serialize(extra, PostgresJsonContext.Default.DictionaryStringString), NpgsqlDbType.Jsonb, ct);
            await Write(writer, hashes.TryGetValue(product.Id, out var hash) ? hash : null, NpgsqlDbType.Text, ct);
            if (indexed)
            {
                source.CopyRow(row, buffer);
                await writer.WriteAsync(new Vector(buffer), ct);
            }
            else
            {
                await writer.WriteNullAsync(ct);
            }
        }

        await writer.CompleteAsync(ct);
    }

    private static Task Write<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct => value is { } v ? writer.WriteAsync(v, type, ct) : writer.WriteNullAsync(ct);

    private static Task Write(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is not null ? writer.WriteAsync(value, type, ct) : writer.WriteNullAsync(ct);

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct, int? timeout = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (timeout is { } seconds)
        {
            command.CommandTimeout = seconds;
        }

        await command.ExecuteNonQueryAsync(ct);
    }
}
