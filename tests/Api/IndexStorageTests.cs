using ImageSearch.Api.Contracts;

namespace ImageSearch.Tests.Api;

/// <summary>How the service loads the index: the binary by default, the CSV or compact search by configuration.</summary>
public sealed class IndexStorageTests
{
    [TestCase(null, null, "binary-exact")]
    [TestCase("false", null, "csv")]
    [TestCase("true", "10", "binary-exact")]
    public async Task The_index_storage_follows_the_configuration(string? useBinary, string? compactFrom, string expected)
    {
        var settings = new Dictionary<string, string?>();
        if (useBinary is not null)
        {
            settings["ImageSearch:Index:UseBinary"] = useBinary;
        }

        if (compactFrom is not null)
        {
            settings["ImageSearch:Index:CompactFromRows"] = compactFrom;
        }

        await using var factory = new ApiFactory(settings);
        using var client = factory.CreateClient();

        var stats = await (await client.GetAsync("/stats")).ReadAsync<StatsResponse>();

        // The test catalog is too small for the build to write compact codes, so even a low threshold searches exactly.
        Assert.That(stats!.IndexStorage, Is.EqualTo(expected));
    }
}
