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

    [TestCase("br, gzip", "br", "brotli bytes")]
    [TestCase("gzip, deflate", "gzip", "gzip bytes")]
    [TestCase("br;q=0, gzip", "gzip", "gzip bytes")]
    [TestCase("", null, "plain bytes")]
    public async Task A_precompressed_copy_of_an_asset_goes_to_clients_that_accept_it_with_the_originals_type(string acceptEncoding, string? encoding, string body)
    {
        var root = Directory.CreateTempSubdirectory("imagesearch-web-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "assets"));
            await File.WriteAllTextAsync(Path.Combine(root, "assets", "runtime-1234.wasm"), "plain bytes");
            await File.WriteAllTextAsync(Path.Combine(root, "assets", "runtime-1234.wasm.br"), "brotli bytes");
            await File.WriteAllTextAsync(Path.Combine(root, "assets", "runtime-1234.wasm.gz"), "gzip bytes");
            await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:WebRoot"] = root });
            using var client = factory.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/assets/runtime-1234.wasm");
            if (acceptEncoding.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
            }

            using var response = await client.SendAsync(request);

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(body));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/wasm"));
            Assert.That(response.Content.Headers.ContentEncoding, encoding is null ? Is.Empty : Is.EqualTo(new[] { encoding }));
            Assert.That(response.Headers.CacheControl?.ToString(), Does.Contain("immutable"));
            if (encoding is not null)
            {
                Assert.That(response.Headers.Vary, Does.Contain("Accept-Encoding"));
            }
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
