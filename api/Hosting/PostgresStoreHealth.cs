using ImageSearch.Core.Postgres;
using Npgsql;

namespace ImageSearch.Api.Hosting;

/// <summary>Readiness of the PostgreSQL store: one cheap query on a pooled connection, answered within two seconds, no retries.</summary>
public sealed class PostgresStoreHealth(PostgresVectorStore store, ILogger<PostgresStoreHealth> logger) : IStoreHealth
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    public async Task<bool> IsReachableAsync(CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Deadline);
        try
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(deadline.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            return await command.ExecuteScalarAsync(deadline.Token) is 1;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("The vector database does not answer: {Reason}", e.Message);
            store.DataSource.Clear();
            return false;
        }
    }
}
