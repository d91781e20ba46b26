using System.Text.Json.Nodes;
using ImageSearch.Tests.Deployment;

namespace ImageSearch.Tests.Postgres;

/// <summary>
/// docker-compose.yml's <c>postgres</c> profile, as <c>docker-compose config</c> resolves it: the upstream pgvector
/// image with no published port, a one-shot publisher after the indexer, API replicas on the shared store that the
/// page balances over; the password only ever from the environment.
/// </summary>
public sealed class PostgresDeploymentTests
{
    [Test]
    public void The_postgres_profile_runs_pgvector_a_publisher_and_API_replicas_on_the_shared_store()
    {
        var (exitCode, output) = DeploymentFiles.ComposeConfig("postgres");
        Assert.That(exitCode, Is.Zero, output);
        var services = DeploymentFiles.YamlToJson(output)["services"]!.AsObject();

        var database = services["postgres"]!;
        Assert.That((string?)database["image"], Is.EqualTo("pgvector/pgvector:pg17"));
        Assert.That(database["ports"], Is.Null, "the database is reachable only on the compose network");

        var publisher = services["publisher"]!;
        Assert.That(publisher["command"]!.AsArray().Select(a => (string?)a), Is.EqualTo(new[] { "build-index", "publish", "--catalog", "data/products.csv", "--index", "data/index.csv" }));
        Assert.That((string?)publisher["depends_on"]!["postgres"]!["condition"], Is.EqualTo("service_healthy"));
        Assert.That((string?)publisher["depends_on"]!["indexer"]!["condition"], Is.EqualTo("service_completed_successfully"));

        var api = services["api-postgres"]!;
        var environment = api["environment"]!.AsObject();
        Assert.That((string?)environment["ImageSearch__Store"], Is.EqualTo("Postgres"));
        foreach (var service in new[] { publisher, api })
        {
            var connection = (string?)service["environment"]!["ImageSearch__Postgres__ConnectionString"];
            Assert.That(connection, Does.Contain("Host=postgres").And.Not.Contain("Password"), "the password comes from PGPASSWORD, not the connection string");
        }

        Assert.That(api["networks"]!["default"]!["aliases"]!.AsArray().Select(a => (string?)a), Does.Contain("api"));
        Assert.That((string?)api["depends_on"]!["publisher"]!["condition"], Is.EqualTo("service_completed_successfully"));
    }

    [Test]
    public void Only_the_profile_runs_it_and_the_embedded_index_stays_the_default()
    {
        var (exitCode, output) = DeploymentFiles.ComposeConfig("postgres");
        Assert.That(exitCode, Is.Zero, output);
        var services = DeploymentFiles.YamlToJson(output)["services"]!.AsObject();
        foreach (var name in new[] { "postgres", "publisher", "api-postgres" })
        {
            Assert.That(services[name]!["profiles"]!.AsArray().Select(p => (string?)p), Is.EqualTo(new[] { "postgres" }), name);
        }

        Assert.That(((JsonObject)services["api"]!["environment"]!).ContainsKey("ImageSearch__Store"), Is.False, "the default API keeps the embedded index");
    }
}
