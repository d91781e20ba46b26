using System.Net;
using System.Text.Json;
using ImageSearch.Api.Contracts;

namespace ImageSearch.Tests.Api;

/// <summary>GET /products (paging, category filter), /products/{id} and /products/{id}/similar.</summary>
public sealed class ProductEndpointTests : ApiTestFixture
{
    [Test]
    public async Task Products_come_a_page_at_a_time_in_catalog_order()
    {
        var catalog = ApiTestCatalog.Catalog();

        var pages = new List<ProductPage>();
        for (var page = 1; page <= 5; page++)
        {
            pages.Add((await GetAsync<ProductPage>($"/products?page={page}&page_size=5"))!);
        }

        Assert.That(pages.Select(p => p.Items.Count), Is.EqualTo(new[] { 5, 5, 5, 5, 1 }));
        Assert.That(pages.Select(p => (p.Total, p.TotalPages, p.PageSize)), Has.All.EqualTo((21, 5, 5)));
        Assert.That(pages.SelectMany(p => p.Items).Select(p => p.Id), Is.EqualTo(catalog.Products.Select(p => p.Id)));
        Assert.That((await GetAsync<ProductPage>("/products?page=6&page_size=5"))!.Items, Is.Empty);
    }

    [Test]
    public async Task The_default_page_holds_20_products()
    {
        var page = await GetAsync<ProductPage>("/products");

        Assert.That((page!.Page, page.PageSize, page.Items.Count, page.TotalPages), Is.EqualTo((1, 20, 20, 2)));
    }

    [Test]
    public async Task A_category_filter_keeps_only_those_categories_ignoring_case()
    {
        var page = await GetAsync<ProductPage>("/products?category=hat&category=Shoes&page_size=100");

        Assert.That(page!.Items.Select(p => p.Category).Distinct(), Is.EquivalentTo(new[] { "Hat", "Shoes" }));
        Assert.That(page.Total, Is.EqualTo(9), "4 hats and 4 shoes from photos, plus the remote hat");
    }

    [TestCase("page", "0")]
    [TestCase("page", "x")]
    [TestCase("page_size", "101")]
    [TestCase("page_size", "0")]
    public async Task A_bad_paging_parameter_is_400_naming_it(string name, string value)
    {
        var problem = await Problems.AssertProblemAsync(await Client.GetAsync($"/products?{name}={value}"), HttpStatusCode.BadRequest);

        Assert.That(problem.Title(), Is.EqualTo($"Invalid parameter '{name}'"));
    }

    [Test]
    public async Task One_product_has_its_fields_and_image_source()
    {
        var product = await GetAsync<ProductResponse>("/products/C0001");
        var remote = await GetAsync<ProductResponse>($"/products/{ApiTestCatalog.RemoteId}");
        var unpriced = await GetAsync<JsonElement>($"/products/{ApiTestCatalog.UnpricedId}");

        Assert.That(product, Is.EqualTo(new ProductResponse("C0001", "Navy Blazer", "Blazer", 71.99m, "/images/C0001")));
        Assert.That(remote!.ImageSrc, Is.EqualTo(ApiTestCatalog.RemoteImageUrl));
        Assert.That(unpriced.GetProperty("price").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task An_unknown_product_is_404()
    {
        var problem = await Problems.AssertProblemAsync(await Client.GetAsync("/products/NOPE"), HttpStatusCode.NotFound);

        Assert.That(problem.Detail(), Does.Contain("'NOPE'"));
        Assert.That(problem.GetProperty("instance").GetString(), Is.EqualTo("/products/NOPE"));
    }

    [Test]
    public async Task Similar_products_exclude_the_product_itself_and_are_sorted()
    {
        var similar = await GetAsync<SearchResponse>("/products/C0001/similar?top_k=100&threshold=0");

        Assert.That(similar!.Results.Select(r => r.Id), Does.Not.Contain("C0001"));
        Assert.That(similar.Count, Is.EqualTo(19));
        Assert.That(similar.Results.Select(r => r.Score), Is.Ordered.Descending);
        Assert.That(similar.Results[0].Id, Is.EqualTo("C0002"), "the other navy-ish blazer");
    }

    [Test]
    public async Task Similar_products_honour_top_k_and_threshold()
    {
        var similar = await GetAsync<SearchResponse>("/products/C0001/similar?top_k=2&threshold=0.6");

        Assert.That(similar!.Count, Is.InRange(1, 2));
        Assert.That(similar.Results.Select(r => r.Score), Has.All.GreaterThanOrEqualTo(0.6));
        Assert.That(similar.Threshold, Is.EqualTo(0.6));
    }

    [Test]
    public async Task Similar_to_an_unknown_or_unindexed_product_is_404_and_bad_parameters_400()
    {
        await Problems.AssertProblemAsync(await Client.GetAsync("/products/NOPE/similar"), HttpStatusCode.NotFound);
        var unindexed = await Problems.AssertProblemAsync(await Client.GetAsync($"/products/{ApiTestCatalog.RemoteId}/similar"), HttpStatusCode.NotFound);
        var bad = await Problems.AssertProblemAsync(await Client.GetAsync("/products/C0001/similar?top_k=abc"), HttpStatusCode.BadRequest);

        Assert.That(unindexed.Detail(), Does.Contain("not in the index"));
        Assert.That(bad.Title(), Is.EqualTo("Invalid parameter 'top_k'"));
    }

    private async Task<T?> GetAsync<T>(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<T>();
    }
}
