using System.Net;
using ImageSearch.Core.Build.Indexing;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Tests.Embedding;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageSearch.Tests.Api;

/// <summary>
/// <c>GET /images/{id}</c> serves only the files of indexed products, from the catalog's folder or a configured
/// image root; and catalog ids with a '/' in them are reachable, escaped as %2F, on every route that takes an id.
/// </summary>
public sealed class ImageServingTests
{
    private const string SlashId = "SKU/42";
    private const string OutsideId = "OUT1";
    private const string TraversalId = "X0001";
    private const string AbsoluteId = "X0002";
    private const string NotAnImageId = "X0003";

    private string _root = null!;
    private string _catalogPath = null!;
    private string _indexPath = null!;
    private string _outside = null!;

    /// <summary>
    /// root/catalog/ holds the catalog (an id with a '/', a photo in an outside folder by absolute path) and its index;
    /// then rows the index does not hold are appended: a '../' path and an absolute path to a secret beside the
    /// catalog's folder, and a text file inside it.
    /// </summary>
    [OneTimeSetUp]
    public async Task BuildCatalog()
    {
        _root = Directory.CreateTempSubdirectory("imagesearch-serving-").FullName;
        var folder = Directory.CreateDirectory(Path.Combine(_root, "catalog")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_root, "outside")).FullName;
        File.Copy(ApiTestCatalog.PhotoOf("C0001"), Path.Combine(folder, "slash.jpg"));
        File.Copy(ApiTestCatalog.PhotoOf("C0002"), Path.Combine(_outside, "elsewhere.jpg"));
        File.WriteAllText(Path.Combine(_root, "secret.txt"), "not for the web");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        _catalogPath = Path.Combine(folder, "products.csv");
        _indexPath = Path.Combine(folder, "index.csv");
        File.WriteAllLines(_catalogPath,
        [
            "id,name,category,price,image_url",
            $"{SlashId},Slashed Blazer,Blazer,10,slash.jpg",
            $"{OutsideId},Elsewhere Dress,Dress,20,{Path.Combine(_outside, "elsewhere.jpg")}",
        ]);
        using (var embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel }))
        {
            var builder = new IndexBuilder(embedder, new CatalogImageLoader(), NullLogger<IndexBuilder>.Instance);
            var result = await builder.BuildAsync(CatalogReader.Read(_catalogPath), _indexPath, new IndexBuildOptions { Calibration = null });
            Assert.That(result.Built, Is.EqualTo(2));
        }

        File.AppendAllLines(_catalogPath,
        [
            $"{TraversalId},Traversal,Hat,1,../secret.txt",
            $"{AbsoluteId},Absolute,Hat,1,{Path.Combine(_root, "secret.txt")}",
            $"{NotAnImageId},Notes,Hat,1,notes.txt",
        ]);
    }

    [OneTimeTearDown]
    public void RemoveCatalog() => Directory.Delete(_root, recursive: true);

    [TestCase(TraversalId)]
    [TestCase(AbsoluteId)]
    [TestCase(NotAnImageId)]
    public async Task A_row_the_index_does_not_hold_gets_no_file_whatever_its_path(string id)
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync($"/images/{id}");

        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Not.Contain("not for the web").And.Not.Contain("not an image"));
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem.Detail(), Does.Contain("not in the index"));
    }

    [Test]
    public async Task An_indexed_image_outside_the_catalogs_folder_is_served_only_from_a_configured_image_root()
    {
        await using (var strict = Factory())
        {
            using var client = strict.CreateClient();
            using var refused = await client.GetAsync($"/images/{OutsideId}");
            var problem = await Problems.AssertProblemAsync(refused, HttpStatusCode.NotFound);
            Assert.That(problem.Detail(), Does.Contain("not in a folder this service serves images from"));
            Assert.That(problem.Detail(), Does.Not.Contain(_outside), "the path stays private");
        }

        await using var rooted = Factory(("ImageSearch:ImageRoots:0", _outside));
        using var rootedClient = rooted.CreateClient();
        using var served = await rootedClient.GetAsync($"/images/{OutsideId}");
        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(served.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/jpeg"));
        Assert.That(await served.Content.ReadAsByteArrayAsync(), Is.EqualTo(File.ReadAllBytes(Path.Combine(_outside, "elsewhere.jpg"))));
    }

    [Test]
    public async Task A_link_inside_the_catalogs_folder_that_leads_out_of_it_is_not_followed()
    {
        var folder = Path.GetDirectoryName(_catalogPath)!;
        var link = Path.Combine(folder, "slash-link.jpg");
        File.Move(Path.Combine(folder, "slash.jpg"), Path.Combine(_outside, "slash.jpg"));
        File.CreateSymbolicLink(link, Path.Combine(_outside, "slash.jpg"));
        File.Move(link, Path.Combine(folder, "slash.jpg"));
        try
        {
            await using var factory = Factory();
            using var client = factory.CreateClient();
            using var response = await client.GetAsync("/images/" + Uri.EscapeDataString(SlashId));
            await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        finally
        {
            File.Delete(Path.Combine(folder, "slash.jpg"));
            File.Move(Path.Combine(_outside, "slash.jpg"), Path.Combine(folder, "slash.jpg"));
        }
    }

    [Test]
    public async Task An_id_with_a_slash_is_reachable_escaped_on_every_route_that_takes_an_id()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        var escaped = Uri.EscapeDataString(SlashId);

        using var product = await client.GetAsync($"/products/{escaped}");
        using var similar = await client.GetAsync($"/products/{escaped}/similar?threshold=0");
        using var image = await client.GetAsync($"/images/{escaped}");

        Assert.That(product.StatusCode, Is.EqualTo(HttpStatusCode.OK), await product.Content.ReadAsStringAsync());
        var body = await product.Content.ReadAsStringAsync();
        Assert.That(body, Does.Contain($"\"image_src\":\"/images/{escaped}\""));
        Assert.That(similar.StatusCode, Is.EqualTo(HttpStatusCode.OK), await similar.Content.ReadAsStringAsync());
        Assert.That(await similar.Content.ReadAsStringAsync(), Does.Contain(OutsideId).And.Not.Contain("SKU/42\""));
        Assert.That(image.StatusCode, Is.EqualTo(HttpStatusCode.OK), await image.Content.ReadAsStringAsync());
        Assert.That(await image.Content.ReadAsByteArrayAsync(), Is.EqualTo(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"))));
    }

    /// <summary>Kestrel keeps the raw target (the in-memory test server has none): every escape in it is decoded exactly once.</summary>
    [TestCase("/images/SKU%2F42", "SKU%2F42", "SKU/42")]
    [TestCase("/products/SKU%2f42/similar?top_k=3", "SKU%2f42", "SKU/42")]
    [TestCase("/products/SKU%252F42", "SKU%2F42", "SKU%2F42")]
    [TestCase("/products/caf%C3%A9%20noir", "café noir", "café noir")]
    public void The_id_is_decoded_from_the_raw_target(string rawTarget, string routeValue, string id)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = rawTarget;

        Assert.That(ImageSearch.Api.Requests.RouteIds.Decode(context, routeValue), Is.EqualTo(id));
    }

    private ApiFactory Factory(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["ImageSearch:CatalogPath"] = _catalogPath,
            ["ImageSearch:IndexPath"] = _indexPath,
            ["ImageSearch:Reload:Enabled"] = "false",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new ApiFactory(all);
    }
}
