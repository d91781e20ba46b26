using System.Text.Json;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Core.Query.Search;
using Npgsql;

namespace ImageSearch.Core.Postgres;

/// <summary>
/// Loads one published version as a search snapshot: its catalog rows and metadata into memory (what every request
/// reads: names, categories, prices, the head and the calibration), its vectors left in PostgreSQL and searched there
/// (<see cref="PostgresVectorIndex"/>). A replica thus holds about 200 bytes per product instead of the ~1.4 KB the
/// embedded index maps.
/// </summary>
public static class PostgresSnapshot
{
    /// <param name="catalogPath">Where relative image paths of the catalog resolve from (its folder); the file itself need not exist.</param>
    /// <param name="embedder">The running model: the version must have been built with it (<see cref="IndexMismatchException"/> otherwise).</param>
    public static async Task<CatalogSnapshot> LoadAsync(PostgresVectorStore store, long version, string catalogPath, EmbedderIdentity embedder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embedder);
        var table = PostgresSchema.ProductsTable(store.Schema, version);
        var label = $"PostgreSQL version {version} ({table})";
        var (metadata, extraColumns, dimension) = await store.RunAsync(
            async (connection, token) =>
            {
                await using var command = new NpgsqlCommand(
                    $"SELECT metadata::text, extra_columns, dimension FROM {store.Schema}.versions WHERE version = @version AND dropped_at IS NULL", connection);
                command.Parameters.AddWithValue("version", version);
                await using var reader = await command.ExecuteReaderAsync(token);
                if (!await reader.ReadAsync(token))
                {
                    throw new IndexFormatException($"{label} does not exist (dropped, or never published).");
                }

                var read = JsonSerializer.Deserialize(reader.GetString(0), IndexJsonContext.Default.IndexMetadata)
                    ?? throw new IndexFormatException($"{label} has no metadata.");
                return (read, reader.GetFieldValue<string[]>(1), reader.GetInt32(2));
            },
            ct);
        if (metadata.Format != IndexMetadata.CurrentFormat || metadata.Version != IndexMetadata.CurrentVersion)
        {
            throw new IndexFormatException($"{label}: format {metadata.Format} v{metadata.Version} is not {IndexMetadata.CurrentFormat} v{IndexMetadata.CurrentVersion}; publish an index built by this version.");
        }

        metadata.EnsureCompatibleWith(embedder, label);
        var (products, ids, hashes) = await store.RunAsync((connection, token) => ReadProductsAsync(connection, table, extraColumns, token), ct);
        var catalog = new ProductCatalog(catalogPath, products, extraColumns, metadata.CatalogSha256);
        var productOfRow = ids.Select(id => catalog.Find(id)!).ToArray();
        var vectors = new PostgresVectorIndex(store, version, dimension, productOfRow);
        return new CatalogSnapshot(catalog, metadata with { ImageSha256 = hashes }, label, ids, vectors, IndexStorage.Postgres, null);
    }

    private static async Task<(List<Product> Products, List<string> Ids, Dictionary<string, string> Hashes)> ReadProductsAsync(
        NpgsqlConnection connection, string table, string[] extraColumns, CancellationToken ct)
    {
        var products = new List<Product>();
        var rows = new List<(int Row, string Id, string? Hash)>();
        await using var command = new NpgsqlCommand($"SELECT row, id, name, category, price, image_url, line, extra::text, image_sha256 FROM {table} ORDER BY line", connection);
        command.CommandTimeout = 0; // a million rows take a while; the connection's own failures still end it
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                // jsonb keeps keys sorted: put them back in the catalog's column order.
                var stored = JsonSerializer.Deserialize(reader.GetString(7), PostgresJsonContext.Default.DictionaryStringString) ?? [];
                var extra = new Dictionary<string, string>(extraColumns.Length, StringComparer.Ordinal);
                foreach (var column in extraColumns)
                {
                    extra[column] = stored.GetValueOrDefault(column, string.Empty);
                }

                var product = new Product(
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                    reader.GetString(5),
                    reader.GetInt32(6),
                    extra);
                products.Add(product);
                if (!reader.IsDBNull(0))
                {
                    rows.Add((reader.GetInt32(0), product.Id, reader.IsDBNull(8) ? null : reader.GetString(8)));
                }
            }
        }

        rows.Sort(static (a, b) => a.Row.CompareTo(b.Row));
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Row != i)
            {
                throw new IndexFormatException($"{table}: the indexed rows are not numbered 0…{rows.Count - 1} (row {rows[i].Row} at position {i}); publish the index again.");
            }
        }

        var hashes = new Dictionary<string, string>(rows.Count, StringComparer.Ordinal);
        if (rows.All(r => r.Hash is not null))
        {
            foreach (var (_, id, hash) in rows)
            {
                hashes[id] = hash!;
            }
        }

        return (products, [.. rows.Select(r => r.Id)], hashes);
    }
}
