using ImageSearch.Tests.Api;

namespace ImageSearch.Tests.Postgres;

/// <summary>With <c>ImageSearch:Store=Postgres</c> the service starts only with a database, a published version and its connection setting, and says what to do otherwise.</summary>
public sealed class PostgresStartupTests
{
    [Test]
    public void Without_a_published_version_the_start_says_to_publish_one()
    {
        var message = ApiFactory.StartFails(PostgresTestServer.ApiSettings(PostgresTestServer.NewSchema("empty")));
        Assert.That(message, Does.Contain("No index is published").And.Contain("build-index publish"));
    }

    [Test]
    public void Without_a_connection_string_the_start_names_the_setting()
    {
        var settings = PostgresTestServer.ApiSettings("imagesearch");
        settings["ImageSearch:Postgres:ConnectionString"] = null;
        var message = ApiFactory.StartFails(settings);
        Assert.That(message, Does.Contain("ImageSearch:Postgres:ConnectionString is required").And.Contain("ImageSearch__Postgres__ConnectionString"));
    }

    [Test]
    public void An_unreachable_database_stops_the_start_with_the_reason()
    {
        var settings = PostgresTestServer.ApiSettings("imagesearch", ("ImageSearch:Postgres:ConnectTimeout", "00:00:01"));
        settings["ImageSearch:Postgres:ConnectionString"] = "Host=127.0.0.1;Port=9;Username=nobody;Database=none";
        var message = ApiFactory.StartFails(settings);
        Assert.That(message, Does.Contain("The vector database is unavailable"));
    }
}
