using System.Net;
using System.Net.Http.Headers;

namespace ImageSearch.Tests.Api;

/// <summary>GET /images/{id}: the catalog file, its type from the bytes, a strong ETag from the index and 304s.</summary>
public sealed class ImageEndpointTests : ApiTestFixture
{
    [Test]
    public async Task A_catalog_image_is_served_with_its_type_a_strong_etag_and_a_day_of_caching()
    {
        var response = await Client.GetAsync("/images/C0001");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"))));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/jpeg"));
        var sha256 = ApiTestCatalog.Index().Metadata.ImageSha256["C0001"];
        Assert.That(response.Headers.ETag, Is.EqualTo(new EntityTagHeaderValue($"\"{sha256}\"")));
        Assert.That(response.Headers.ETag!.IsWeak, Is.False);
        Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=86400"));
    }

    [Test]
    public async Task Head_answers_with_the_headers_of_get()
    {
        var get = await Client.GetAsync("/images/C0001");
        using var request = new HttpRequestMessage(HttpMethod.Head, "/images/C0001");

        var head = await Client.SendAsync(request);

        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK), "not 405");
        Assert.That(head.Headers.ETag, Is.EqualTo(get.Headers.ETag));
        Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/jpeg"));
        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(new FileInfo(ApiTestCatalog.PhotoOf("C0001")).Length));
        Assert.That(head.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=86400"));
    }

    [Test]
    public async Task A_matching_if_none_match_is_304_without_a_body()
    {
        var etag = (await Client.GetAsync("/images/C0002")).Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/images/C0002");
        request.Headers.IfNoneMatch.Add(etag);

        var response = await Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
        Assert.That(response.Headers.ETag, Is.EqualTo(etag));
    }

    [Test]
    public async Task Another_etag_gets_the_image()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/images/C0002");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));

        var response = await Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_remote_image_product_or_an_unknown_id_is_404()
    {
        var remote = await Problems.AssertProblemAsync(await Client.GetAsync($"/images/{ApiTestCatalog.RemoteId}"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await Client.GetAsync("/images/NOPE"), HttpStatusCode.NotFound);

        Assert.That(remote.Detail(), Does.Contain("remote image"));
    }
}
