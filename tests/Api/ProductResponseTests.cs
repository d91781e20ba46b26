using System.Text.Json;
using ImageSearch.Api.Contracts;
using ImageSearch.Core.Catalog;

namespace ImageSearch.Tests.Api;

/// <summary>A product's answer carries the shop's own page from the catalog's <c>url</c> column, and only a safe one.</summary>
public sealed class ProductResponseTests
{
    [TestCase("https://shop.example.com/p/C0001", "https://shop.example.com/p/C0001")]
    [TestCase("http://shop.example.com/p?id=1&c=2", "http://shop.example.com/p?id=1&c=2")]
    [TestCase("javascript:alert(1)", null)]
    [TestCase("/p/C0001", null)]
    [TestCase("ftp://shop.example.com/p", null)]
    [TestCase("", null)]
    public void The_url_column_becomes_the_products_url_when_it_is_an_http_link(string column, string? expected)
    {
        var product = new Product("C0001", "Navy Blazer", "Blazer", 71.99m, "images/c0001.jpg", 2, new Dictionary<string, string> { ["url"] = column });

        Assert.That(ProductResponse.From(product).Url, Is.EqualTo(expected));
    }

    [Test]
    public void A_catalog_without_a_url_column_answers_without_the_field()
    {
        var product = new Product("C0001", "Navy Blazer", "Blazer", 71.99m, "images/c0001.jpg", 2, new Dictionary<string, string>());

        var json = JsonSerializer.Serialize(ProductResponse.From(product));

        Assert.That(json, Does.Not.Contain("\"url\""));
        Assert.That(json, Does.Contain("\"image_src\":\"/images/C0001\""));
    }
}
