using System.Text;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Search;
using ImageSearch.Core.Query.Index;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace ImageSearch.Core.Postgres;

/// <summary>
/// One published version's vectors, searched in PostgreSQL. Without a filter: the HNSW index
/// (<c>ORDER BY embedding &lt;=&gt; query LIMIT k</c>). With a filter: the filter is in the SQL; when it leaves few
/// products (<see cref="PostgresStoreOptions.ExactSearchBelow"/>) exactly those rows are scanned (found by the
/// category and price indexes), otherwise the HNSW scan goes on iteratively (pgvector 0.8's
/// <c>hnsw.iterative_scan</c>) until k matching rows are found. A scan that still comes back short of the rows the
/// filter matches falls back to the exact search, so a filter never loses results. Rows come back re-sorted by
/// similarity (the relaxed iterative order may be slightly off), equal similarities in row order.
/// </summary>
public sealed class PostgresVectorIndex : IFilteredVectorIndex
{
    private readonly PostgresVectorStore _store;
    private readonly RowAttributes _attributes;

    /// <param name="productOfRow">The version's products by row number (what filters are counted on, as the database applies them).</param>
    public PostgresVectorIndex(PostgresVectorStore store, long version, int dimension, IReadOnlyList<Product> productOfRow)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(productOfRow);
        _store = store;
        Version = version;
        Table = PostgresSchema.ProductsTable(store.Schema, version);
        Dimension = dimension;
        Count = productOfRow.Count;
        _attributes = new RowAttributes(productOfRow);
    }

    public long Version { get; }

    public string Table { get; }

    public int Dimension { get; }

    public int Count { get; }

    /// <summary>Searches run exactly rather than through the HNSW index (a filter left few rows, or the index scan came back short).</summary>
    public long ExactSearches => Interlocked.Read(ref _exactSearches);

    private long _exactSearches;

    public void CopyVector(int row, Span<float> destination)
    {
        var vector = _store.Run(connection =>
        {
            using var command = new NpgsqlCommand($"SELECT embedding FROM {Table} WHERE row = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = row });
            return command.ExecuteScalar() is Vector v ? v : throw new ArgumentOutOfRangeException(nameof(row), row, $"{Table} has no row {row}.");
        });
        vector.Memory.Span.CopyTo(destination);
    }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, Func<int, bool>? include = null)
    {
        if (include is null)
        {
            return Search(query, k, ProductFilter.None, -1);
        }

        // An arbitrary predicate cannot go into SQL: rank every row exactly and keep the first k it accepts.
        var ranked = Query(query, int.MaxValue, ProductFilter.None, -1, exact: true);
        return [.. ranked.Where(hit => include(hit.Row)).Take(k)];
    }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, ProductFilter filter, int excludedRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentNullException.ThrowIfNull(filter);
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"The query has {query.Length} components; the index holds {Dimension}-d vectors.", nameof(query));
        }

        var matching = Matching(filter, excludedRow);
        if (matching == 0)
        {
            return [];
        }

        var wanted = Math.Min(k, matching);
        var exact = !filter.IsEmpty && matching <= _store.Options.ExactSearchBelow;
        var hits = Query(query, k, filter, excludedRow, exact);
        if (!exact && hits.Count < wanted)
        {
            hits = Query(query, k, filter, excludedRow, exact: true);
        }

        return hits;
    }

    private int Matching(ProductFilter filter, int excludedRow)
    {
        var include = _attributes.Predicate(filter, excludedRow);
        if (include is null)
        {
            return Count;
        }

        var count = 0;
        for (var row = 0; row < Count; row++)
        {
            if (include(row))
            {
                count++;
            }
        }

        return count;
    }

    private List<SearchHit> Query(ReadOnlySpan<float> query, int k, ProductFilter filter, int excludedRow, bool exact)
    {
        if (exact)
        {
            Interlocked.Increment(ref _exactSearches);
        }

        var vector = new Vector(query.ToArray());
        return _store.Run(connection =>
        {
            // The graph search runs in a transaction whose planner may not scan the table instead: with a larger
            // ef_search pgvector's cost estimate can exceed a sequential scan's, and the planner would then rank every
            // row exactly (a second instead of milliseconds at 100,000 products).
            using var transaction = exact ? null : connection.BeginTransaction();
            if (transaction is not null)
            {
                using var planner = new NpgsqlCommand("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off", connection, transaction);
                planner.ExecuteNonQuery();
            }

            using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
            var where = Where(filter, excludedRow, command);
            command.Parameters.Add(new NpgsqlParameter<Vector> { ParameterName = "query", TypedValue = vector });
            var limit = k == int.MaxValue ? string.Empty : " LIMIT @k";
            if (limit.Length > 0)
            {
                command.Parameters.Add(new NpgsqlParameter<int> { ParameterName = "k", TypedValue = k });
            }

            // The materialised CTE keeps the planner from ordering through the HNSW index: an exact scan of the matching rows.
            command.CommandText = exact
                ? $"WITH candidates AS MATERIALIZED (SELECT row, embedding FROM {Table}{(where.Length == 0 ? " WHERE" : where + " AND")} row IS NOT NULL) SELECT row, embedding <=> @query AS distance FROM candidates ORDER BY distance{limit}"
                : $"SELECT row, embedding <=> @query AS distance FROM {Table}{where} ORDER BY distance{limit}";
            var hits = new List<SearchHit>(Math.Min(k, 1024));
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    hits.Add(new SearchHit(reader.GetInt32(0), (float)(1.0 - reader.GetDouble(1))));
                }
            }

            transaction?.Commit();
            hits.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Row.CompareTo(b.Row));
            return hits;
        });
    }

    /// <summary>The WHERE clause of <paramref name="filter"/> (as <see cref="ProductFilter.Matches"/> reads it), its parameters added to <paramref name="command"/>.</summary>
    private static string Where(ProductFilter filter, int excludedRow, NpgsqlCommand command)
    {
        var conditions = new List<string>(4);
        if (filter.Categories is { Count: > 0 } categories)
        {
            conditions.Add("lower(category) = ANY(@categories)");
            command.Parameters.Add(new NpgsqlParameter<string[]>
            {
                ParameterName = "categories",
                TypedValue = [.. categories.Select(c => c.ToLowerInvariant()).Distinct(StringComparer.Ordinal)],
            });
        }

        if (filter.MinPrice is { } min)
        {
            conditions.Add("price >= @min_price");
            command.Parameters.Add(new NpgsqlParameter<decimal> { ParameterName = "min_price", TypedValue = min, NpgsqlDbType = NpgsqlDbType.Numeric });
        }

        if (filter.MaxPrice is { } max)
        {
            conditions.Add("price <= @max_price");
            command.Parameters.Add(new NpgsqlParameter<decimal> { ParameterName = "max_price", TypedValue = max, NpgsqlDbType = NpgsqlDbType.Numeric });
        }

        if (excludedRow >= 0)
        {
            conditions.Add("row <> @excluded");
            command.Parameters.Add(new NpgsqlParameter<int> { ParameterName = "excluded", TypedValue = excludedRow });
        }

        if (conditions.Count == 0)
        {
            return string.Empty;
        }

        var where = new StringBuilder(" WHERE ");
        where.AppendJoin(" AND ", conditions);
        return where.ToString();
    }
}
