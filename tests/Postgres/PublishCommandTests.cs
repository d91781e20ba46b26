using System.Diagnostics;
using ImageSearch.Core.Postgres;

namespace ImageSearch.Tests.Postgres;

/// <summary><c>build-index publish</c> as an operator runs it: the connection from the environment, never the command line.</summary>
public sealed class PublishCommandTests
{
    [Test]
    public async Task Publish_reads_the_connection_from_the_environment_reports_rows_per_second_and_switches()
    {
        var schema = PostgresTestServer.NewSchema("publish");
        await using var store = PostgresTestServer.Store(schema);
        try
        {
            var first = Publish(PostgresTestServer.ConnectionString, "--catalog", PostgresTestServer.SampleCatalog, "--index", PostgresTestServer.SampleIndex, "--schema", schema);
            Assert.That(first.ExitCode, Is.Zero, first.Error);
            Assert.That(first.Output, Does.Match(@"version 1: 1,331 products \(1,331 vectors\) loaded in [0-9.]+ s \([0-9,]+ rows/s\), keys [0-9.]+ s, HNSW [0-9.]+ s \(m = 16, ef_construction = 64\), now current"));
            Assert.That(await store.CurrentVersionAsync(CancellationToken.None), Is.EqualTo(1));

            var second = Publish(PostgresTestServer.ConnectionString, "--catalog", PostgresTestServer.SampleCatalog, "--index", PostgresTestServer.SampleIndex, "--schema", schema, "--hnsw-m", "8", "--hnsw-ef-construction", "32");
            Assert.That(second.ExitCode, Is.Zero, second.Error);
            Assert.That(await store.CurrentVersionAsync(CancellationToken.None), Is.EqualTo(2));

            var back = Publish(PostgresTestServer.ConnectionString, "--catalog", PostgresTestServer.SampleCatalog, "--index", PostgresTestServer.SampleIndex, "--schema", schema, "--switch-to", "1");
            Assert.That(back.ExitCode, Is.Zero, back.Error);
            Assert.That(back.Output, Does.Contain("version 1 is now current"));
            Assert.That(await store.CurrentVersionAsync(CancellationToken.None), Is.EqualTo(1), "rolled back to a version still kept");
        }
        finally
        {
            await using var connection = await store.OpenCheckedConnectionAsync(CancellationToken.None);
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Test]
    public void Without_the_environment_variable_publish_exits_2_and_says_which_to_set()
    {
        var (exitCode, _, error) = Publish(null, "--catalog", PostgresTestServer.SampleCatalog, "--index", PostgresTestServer.SampleIndex);
        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error, Does.Contain(PostgresStoreOptions.ConnectionStringVariable).And.Contain("PGPASSWORD"));
    }

    [Test]
    public void An_unreachable_database_exits_1_and_leaves_the_current_version_alone()
    {
        var (exitCode, _, error) = Publish("Host=127.0.0.1;Port=9;Username=nobody;Database=none;Timeout=2", "--catalog", PostgresTestServer.SampleCatalog, "--index", PostgresTestServer.SampleIndex);
        Assert.That(exitCode, Is.EqualTo(1), error);
        Assert.That(error, Does.Contain("the database failed").And.Contain("the current version was left as it was"));
    }

    private static (int ExitCode, string Output, string Error) Publish(string? connectionString, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "build-index.dll"));
        start.ArgumentList.Add("publish");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove(PostgresStoreOptions.ConnectionStringVariable);
        if (connectionString is not null)
        {
            start.Environment[PostgresStoreOptions.ConnectionStringVariable] = connectionString;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("build-index publish did not finish within two minutes");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
