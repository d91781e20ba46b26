using System.Net;

namespace ImageSearch.Tests.Api;

/// <summary>The API serves the built web page (ImageSearch:WebRoot) at /, without shadowing its own routes.</summary>
public sealed class WebPageHostingTests
{
    [Test]
    public async Task The_root_serves_index_html_from_the_web_root_and_the_api_routes_still_answer()
    {
        var root = Directory.CreateTempSubdirectory("imagesearch-web-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "index.html"), "<!doctype html><title>ImageSearch test page</title>");
            Directory.CreateDirectory(Path.Combine(root, "assets"));
            await File.WriteAllTextAsync(Path.Combine(root, "assets", "app-1234.js"), "console.log('hi');");
            // A file named like an API route must not shadow it.
            await File.WriteAllTextAsync(Path.Combine(root, "stats"), "not the stats");
            await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:WebRoot"] = root });
            using var client = factory.CreateClient();

            var page = await client.GetAsync("/");
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("ImageSearch test page"));
            Assert.That(page.Headers.CacheControl?.NoCache, Is.True);

            var asset = await client.GetAsync("/assets/app-1234.js");
            Assert.That(asset.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(asset.Headers.CacheControl?.ToString(), Does.Contain("immutable"));

            var stats = await client.GetAsync("/stats");
            Assert.That(stats.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stats.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task Without_a_web_root_folder_the_root_is_not_found_and_the_api_works()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"imagesearch-noweb-{Guid.NewGuid():N}");
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:WebRoot"] = missing });
        using var client = factory.CreateClient();

        Assert.That((await client.GetAsync("/")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
