using ImageSearch.Core.Postgres;

namespace ImageSearch.Tests.Postgres;

/// <summary>
/// The real PostgreSQL + pgvector server that ./test.sh starts on loopback (tests/postgres/server.sh) and names in
/// <see cref="Variable"/>. Without it these tests fail, saying how to start one: they never skip. Each fixture
/// publishes into a schema of its own, so fixtures never see each other's versions.
/// </summary>
internal static class PostgresTestServer
{
    public const string Variable = "IMAGESEARCH_TEST_POSTGRES";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } connection
            ? connection
            : throw new InvalidOperationException(
                $"{Variable} is not set: these tests need a PostgreSQL + pgvector server. ./test.sh starts one; by hand: export {Variable}=\"$(tests/postgres/server.sh start)\" (and tests/postgres/server.sh stop afterwards).");

    /// <summary>A fresh schema name for one fixture.</summary>
    public static string NewSchema(string purpose) => $"test_{purpose}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();

    public static PostgresVectorStore Store(string schema, Action<PostgresStoreOptions>? configure = null)
    {
        var options = new PostgresStoreOptions { ConnectionString = ConnectionString, Schema = schema, CommandTimeout = TimeSpan.FromMinutes(5) };
        configure?.Invoke(options);
        return new PostgresVectorStore(options);
    }

    /// <summary>The sample catalog and its index, as ./setup.sh makes them.</summary>
    public static string SampleCatalog => Path.Combine(ChildProcess.RepositoryRoot(), "data", "products.csv");

    public static string SampleIndex =>
        Path.Combine(ChildProcess.RepositoryRoot(), "data", "index.csv") is var path && File.Exists(path)
            ? path
            : throw new InvalidOperationException(
                $"{path} does not exist: these tests publish the sample's index. ./test.sh builds it; by hand: dotnet run --project build-index -c Release -- build --catalog data/products.csv --out data/index.csv --incremental");

    public static string Model => Path.Combine(ChildProcess.RepositoryRoot(), "models", "mobilenetv2-12-int8.features.onnx");

    /// <summary>Publishes the sample into <paramref name="store"/>'s schema (as <c>build-index publish</c> does).</summary>
    public static async Task<PublishResult> PublishSampleAsync(PostgresVectorStore store, PublishOptions? options = null)
    {
        using var source = PublishSource.Read(SampleCatalog, SampleIndex, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return await IndexPublisher.PublishAsync(store, source, options ?? new PublishOptions(), null, CancellationToken.None);
    }

    /// <summary>Stops the server, keeping its data (an outage).</summary>
    public static void Halt() => Script("halt");

    /// <summary>Starts the halted server again.</summary>
    public static void Resume() => Script("resume");

    /// <summary>API settings that serve <paramref name="schema"/> from this server.</summary>
    public static Dictionary<string, string?> ApiSettings(string schema, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ImageSearch:Store"] = "Postgres",
            ["ImageSearch:Postgres:ConnectionString"] = ConnectionString,
            ["ImageSearch:Postgres:Schema"] = schema,
            ["ImageSearch:CatalogPath"] = SampleCatalog,
            ["ImageSearch:ModelPath"] = Model,

            // Hundreds of searches from one test client, faster than a client's 100 a second on a fast machine; the
            // rate limit has its own tests.
            ["ImageSearch:RateLimit:Enabled"] = "false",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>API settings that serve the sample's embedded index (what the PostgreSQL store is compared with).</summary>
    public static Dictionary<string, string?> EmbeddedSettings() => new()
    {
        ["ImageSearch:CatalogPath"] = SampleCatalog,
        ["ImageSearch:IndexPath"] = SampleIndex,
        ["ImageSearch:ModelPath"] = Model,
        ["ImageSearch:RateLimit:Enabled"] = "false",
    };

    private static void Script(string command)
    {
        _ = ConnectionString;
        var (exit, output, error) = ChildProcess.Run(TimeSpan.FromSeconds(60), Path.Combine(ChildProcess.RepositoryRoot(), "tests", "postgres", "server.sh"), command);
        Assert.That(exit, Is.Zero, $"tests/postgres/server.sh {command}: {output}{error}");
    }
}
