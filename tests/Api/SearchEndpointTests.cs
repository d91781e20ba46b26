using System.Globalization;
using System.Net;
using System.Numerics.Tensors;
using ImageSearch.Api.Contracts;
using ImageSearch.Core.Catalog;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Index;
using ImageSearch.Tests.Embedding;
using ImageSearch.Tests.Fetching;

namespace ImageSearch.Tests.Api;

/// <summary>POST /search over the real model and a small real catalog: ranking, threshold, filters, top_k, URLs.</summary>
public sealed class SearchEndpointTests
{
    private const string Secret = "s3cr3t-signature";

    private ApiFactory _factory = null!;
    private HttpClient _client = null!;
    private LoopbackHttpServer _server = null!;
    private ImageEmbedder _embedder = null!;
    private ProductCatalog _catalog = null!;
    private IndexFile _index = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _catalog = ApiTestCatalog.Catalog();
        _index = ApiTestCatalog.Index();
        _embedder = ImageEmbedder.Create(new EmbedderOptions { ModelPath = ModelZooFixture.PreparedModel });
        // Serves /photos/{id}.jpg?sig=... with that product's photo.
        _server = new LoopbackHttpServer((request, stream, ct) =>
        {
            var id = Path.GetFileNameWithoutExtension(request.Target.Split('?')[0]);
            return LoopbackHttpServer.RespondAsync(stream, 200, File.ReadAllBytes(ApiTestCatalog.PhotoOf(id)), ct, ("Content-Type", "image/jpeg"));
        });
        _factory = new ApiFactory(ApiFactory.LoopbackFetching(TimeSpan.FromSeconds(5), _server.Port));
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _server.DisposeAsync();
        _embedder.Dispose();
    }

    [Test]
    public async Task A_catalog_photo_finds_itself_first_with_similarity_one()
    {
        foreach (var id in new[] { "C0001", _index.Vectors.Ids[7], _index.Vectors.Ids[19] })
        {
            var response = await SearchAsync(File.ReadAllBytes(ApiTestCatalog.PhotoOf(id)));

            var first = response.Results[0];
            Assert.That(first.Id, Is.EqualTo(id));
            Assert.That(first.Similarity, Is.EqualTo(1).Within(1e-3));
            Assert.That(first.Score, Is.EqualTo(1).Within(1e-3));
            var product = _catalog.Find(id)!;
            Assert.That((first.Name, first.Category, first.Price, first.ImageSrc), Is.EqualTo((product.Name, product.Category, product.Price, $"/images/{id}")));
        }
    }

    [Test]
    public async Task Results_are_sorted_by_score_none_is_below_the_threshold_and_the_answer_says_how_it_was_made()
    {
        var response = await SearchAsync(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0002")), ("threshold", "0.5"), ("top_k", "100"));

        Assert.That(response.Results.Select(r => r.Score), Is.Ordered.Descending);
        Assert.That(response.Results.Select(r => r.Score), Has.All.GreaterThanOrEqualTo(0.5));
        Assert.That(response.Count, Is.EqualTo(response.Results.Count));
        Assert.That(response.Threshold, Is.EqualTo(0.5));
        Assert.That(response.TookMs, Is.GreaterThan(0));
        foreach (var result in response.Results)
        {
            Assert.That(result.Similarity, Is.EqualTo(Math.Round(result.Similarity, 4)));
            Assert.That(result.Score, Is.EqualTo(result.Similarity).Within(5e-5), "the score is the cosine for now");
        }
    }

    [Test]
    public async Task The_default_threshold_is_0_70_and_a_higher_one_returns_fewer_results()
    {
        var photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0002"));

        var loose = await SearchAsync(photo, ("threshold", "0"), ("top_k", "100"));
        var standard = await SearchAsync(photo);
        var strict = await SearchAsync(photo, ("threshold", "0.99"));

        Assert.That(loose.Count, Is.EqualTo(20), "threshold 0 keeps every indexed product (cosines of these photos are positive)");
        Assert.That(standard.Threshold, Is.EqualTo(0.7));
        Assert.That(standard.Results.Select(r => r.Id), Is.EqualTo(loose.Results.Where(r => r.Score >= 0.7).Take(10).Select(r => r.Id)));
        Assert.That(strict.Results.Select(r => r.Id), Is.EqualTo(new[] { "C0002" }));
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(100)]
    public async Task Top_k_bounds_the_number_of_results(int topK)
    {
        var response = await SearchAsync(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0003")), ("top_k", topK.ToString(CultureInfo.InvariantCulture)), ("threshold", "0"));

        Assert.That(response.Count, Is.EqualTo(Math.Min(topK, 20)));
    }

    [Test]
    public async Task A_category_filter_returns_only_those_categories_and_the_same_ranking_as_brute_force()
    {
        var photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"));

        var shoes = await SearchAsync(photo, ("category", "Shoes"), ("top_k", "3"), ("threshold", "0"));
        var two = await SearchAsync(photo, ("category", "hat"), ("category", "DRESS"), ("top_k", "100"), ("threshold", "0"));

        Assert.That(shoes.Results.Select(r => r.Category), Has.All.EqualTo("Shoes"));
        Assert.That(shoes.Results.Select(r => r.Id), Is.EqualTo(BruteForce(photo, 3, 0, p => p.Category == "Shoes")));
        Assert.That(two.Results.Select(r => r.Category).Distinct(), Is.EquivalentTo(new[] { "Hat", "Dress" }));
        Assert.That(two.Results.Select(r => r.Id), Is.EqualTo(BruteForce(photo, 100, 0, p => p.Category is "Hat" or "Dress")));
    }

    [Test]
    public async Task A_price_range_returns_only_priced_products_in_it_and_the_same_ranking_as_brute_force()
    {
        var photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf(_index.Vectors.Ids[17]));

        var response = await SearchAsync(photo, ("min_price", "20"), ("max_price", "100.5"), ("top_k", "5"), ("threshold", "0.3"));
        var onlyMin = await SearchAsync(photo, ("min_price", "0"), ("top_k", "100"), ("threshold", "0"));

        Assert.That(response.Results.Select(r => r.Price), Has.All.InRange(20m, 100.5m));
        Assert.That(response.Results.Select(r => r.Id), Is.EqualTo(BruteForce(photo, 5, 0.3f, p => p.Price is >= 20m and <= 100.5m)));
        Assert.That(onlyMin.Results.Select(r => r.Id), Does.Not.Contain(ApiTestCatalog.UnpricedId), "a product without a price never matches a price bound");
        Assert.That(onlyMin.Count, Is.EqualTo(19));
    }

    [Test]
    public async Task Filters_combine_and_apply_before_the_top_k_cut()
    {
        var photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"));
        var unfiltered = await SearchAsync(photo, ("top_k", "2"), ("threshold", "0"));

        var response = await SearchAsync(photo, ("category", "T-Shirt"), ("category", "Shoes"), ("max_price", "60"), ("top_k", "2"), ("threshold", "0"));

        Assert.That(unfiltered.Results.Select(r => r.Category), Has.All.EqualTo("Blazer"));
        Assert.That(response.Count, Is.EqualTo(2), "the filter runs inside the search, not on the unfiltered top 2");
        Assert.That(response.Results.Select(r => r.Id), Is.EqualTo(BruteForce(photo, 2, 0, p => p.Category is "T-Shirt" or "Shoes" && p.Price <= 60m)));
    }

    [Test]
    public async Task Search_by_image_url_fetches_the_photo_and_never_logs_the_query_string()
    {
        var id = _index.Vectors.Ids[12];

        var response = await _client.PostAsync("/search", SearchForms.WithUrl(_server.Url($"/photos/{id}.jpg?sig={Secret}").ToString()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var body = await response.ReadAsync<SearchResponse>();
        Assert.That(body!.Results[0].Id, Is.EqualTo(id));
        Assert.That(body.Results[0].Similarity, Is.EqualTo(1).Within(1e-3));
        Assert.That(_factory.Logs, Is.Not.Empty);
        Assert.That(_factory.Logs, Has.None.Contains(Secret));
    }

    [Test]
    public async Task Concurrent_searches_all_get_their_own_answer()
    {
        var ids = _index.Vectors.Ids.Take(8).ToList();

        var responses = await Task.WhenAll(ids.Select(id => SearchAsync(File.ReadAllBytes(ApiTestCatalog.PhotoOf(id)))));

        Assert.That(responses.Select(r => r.Results[0].Id), Is.EqualTo(ids));
    }

    private async Task<SearchResponse> SearchAsync(byte[] photo, params (string Name, string Value)[] fields)
    {
        var response = await _client.PostAsync("/search", SearchForms.WithFile(photo, fields));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<SearchResponse>())!;
    }

    /// <summary>The expected ids: every indexed product the filter keeps, by cosine, best first, at or above the threshold.</summary>
    private List<string> BruteForce(byte[] photo, int topK, float threshold, Func<Product, bool> keep)
    {
        var query = _embedder.Embed(photo);
        return [.. Enumerable.Range(0, _index.Vectors.Count)
            .Select(row => (Product: _catalog.Find(_index.Vectors.Ids[row])!, Score: TensorPrimitives.Dot(query, _index.Vectors.Vector(row))))
            .Where(h => keep(h.Product) && h.Score >= threshold)
            .OrderByDescending(h => h.Score)
            .Take(topK)
            .Select(h => h.Product.Id)];
    }
}
