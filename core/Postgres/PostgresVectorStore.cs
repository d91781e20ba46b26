using System.Globalization;
using Npgsql;
using Pgvector.Npgsql;
using Polly;
using Polly.Retry;

namespace ImageSearch.Core.Postgres;

/// <summary>
/// The connection pool to the store (one <see cref="NpgsqlDataSource"/> per process) and the one way every query
/// runs: transient failures (a dropped or refused connection, a restarting server, a timeout) are retried with
/// jittered exponential backoff (Polly) and then surface as <see cref="VectorStoreUnavailableException"/>.
/// pgvector's search settings ride in the connection's start-up options, so every pooled connection has them.
/// </summary>
public sealed class PostgresVectorStore : IDisposable, IAsyncDisposable
{
    private readonly ResiliencePipeline _pipeline;

    public PostgresVectorStore(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        Options = options;
        Schema = options.Schema;
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var connection = builder.ConnectionStringBuilder;
        connection.Timeout = Math.Max(1, (int)Math.Ceiling(options.ConnectTimeout.TotalSeconds));
        connection.CommandTimeout = Math.Max(1, (int)Math.Ceiling(options.CommandTimeout.TotalSeconds));
        connection.MaxPoolSize = options.MaxPoolSize;
        connection.ApplicationName ??= "imagesearch";
        // Placeholders until pgvector loads in the session, then its settings: every connection of the pool has them.
        var settings = string.Create(CultureInfo.InvariantCulture,
            $"-c hnsw.ef_search={options.EfSearch} -c hnsw.iterative_scan=relaxed_order -c hnsw.max_scan_tuples={options.MaxScanTuples}");
        connection.Options = string.IsNullOrWhiteSpace(connection.Options) ? settings : connection.Options + " " + settings;
        builder.UseVector();
        DataSource = builder.Build();

        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = Math.Max(1, options.Retries),
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = _ =>
                {
                    // After a restart every idle pooled connection is dead: drop them all rather than meet them one by one.
                    DataSource.Clear();
                    return default;
                },
            })
            .Build();
        if (options.Retries == 0)
        {
            _pipeline = ResiliencePipeline.Empty;
        }
    }

    public PostgresStoreOptions Options { get; }

    public string Schema { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Runs <paramref name="query"/> on a pooled connection, retrying transient failures; then <see cref="VectorStoreUnavailableException"/>.</summary>
    public T Run<T>(Func<NpgsqlConnection, T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        try
        {
            return _pipeline.Execute(() =>
            {
                using var connection = DataSource.OpenConnection();
                return query(connection);
            });
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }

    /// <inheritdoc cref="Run{T}(Func{NpgsqlConnection, T})"/>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        try
        {
            return await _pipeline.ExecuteAsync(
                async token =>
                {
                    await using var connection = await DataSource.OpenConnectionAsync(token);
                    return await query(connection, token);
                },
                ct);
        }
        catch (Exception e) when (IsUnavailable(e) && !ct.IsCancellationRequested)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// An open connection that has just answered a query (a pooled one left dead by a server restart is replaced,
    /// with the retries of <see cref="RunAsync{T}"/>), for work that needs one connection throughout, such as a publish.
    /// </summary>
    public async Task<NpgsqlConnection> OpenCheckedConnectionAsync(CancellationToken ct)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                async token =>
                {
                    var connection = await DataSource.OpenConnectionAsync(token);
                    try
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(token);
                        return connection;
                    }
                    catch
                    {
                        await connection.DisposeAsync();
                        throw;
                    }
                },
                ct);
        }
        catch (Exception e) when (IsUnavailable(e) && !ct.IsCancellationRequested)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>The version every replica should serve now; null when nothing was published yet.</summary>
    public Task<long?> CurrentVersionAsync(CancellationToken ct) => RunAsync(
        async (connection, token) =>
        {
            await using var command = new NpgsqlCommand($"SELECT version FROM {Schema}.current_version", connection);
            try
            {
                return await command.ExecuteScalarAsync(token) is long version ? version : (long?)null;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
            {
                return null;
            }
        },
        ct);

    /// <summary>A failure worth trying again: the connection or the server, not the query.</summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.IsTransient || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>A failure that means "not now" rather than a bug: a transient one, or a table of a version dropped under a long-running request.</summary>
    private static bool IsUnavailable(Exception e) =>
        IsTransient(e) || e is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } || e is NpgsqlException { InnerException: not null } and not PostgresException;

    private static VectorStoreUnavailableException Unavailable(Exception e) =>
        new("The vector database is unavailable or did not answer in time; try again shortly.", e);

    public void Dispose() => DataSource.Dispose();

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
