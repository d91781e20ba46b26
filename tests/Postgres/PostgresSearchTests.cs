using System.Globalization;
using System.Net;
using ImageSearch.Api.Contracts;
using ImageSearch.Core.Postgres;
using ImageSearch.Tests.Api;
using Npgsql;

namespace ImageSearch.Tests.Postgres;

/// <summary>
/// The API with <c>ImageSearch:Store=Postgres</c> over the published sample answers as the embedded index does: the
/// same top 10 on the shared query photos (recall@10 against the embedded exact search), the same filtered results
/// (through the iterative HNSW scan and through the exact scan of a selective filter), the same similar products,
/// product pages and images.
/// </summary>
[TestFixture]
public sealed class PostgresSearchTests
{
    private readonly string _schema = PostgresTestServer.NewSchema("search");
    private PostgresVectorStore _store = null!;
    private ApiFactory _embedded = null!;
    private ApiFactory _postgres = null!;
    private ApiFactory _iterative = null!;
    private HttpClient _embeddedClient = null!;
    private HttpClient _postgresClient = null!;
    private HttpClient _iterativeClient = null!;

    [OneTimeSetUp]
    public async Task PublishTheSample()
    {
        _store = PostgresTestServer.Store(_schema);
        await PostgresTestServer.PublishSampleAsync(_store);
        _embedded = new ApiFactory(PostgresTestServer.EmbeddedSettings());
        _postgres = new ApiFactory(PostgresTestServer.ApiSettings(_schema));
        // Every filter through the HNSW index's iterative scan, none through the exact scan of a selective filter.
        _iterative = new ApiFactory(PostgresTestServer.ApiSettings(_schema, ("ImageSearch:Postgres:ExactSearchBelow", "0")));
        _embeddedClient = _embedded.CreateClient();
        _postgresClient = _postgres.CreateClient();
        _iterativeClient = _iterative.CreateClient();
    }

    [OneTimeTearDown]
    public async Task DropTheSchema()
    {
        _embeddedClient?.Dispose();
        _postgresClient?.Dispose();
        _iterativeClient?.Dispose();
        _embedded?.Dispose();
        _postgres?.Dispose();
        _iterative?.Dispose();
        if (_store is not null)
        {
            await using var connection = await _store.OpenCheckedConnectionAsync(CancellationToken.None);
            await using var command = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
            await _store.DisposeAsync();
        }
    }

    [Test]
    public async Task The_published_version_holds_every_catalog_row_and_an_hnsw_index_over_cosine()
    {
        var version = await _store.CurrentVersionAsync(CancellationToken.None);
        Assert.That(version, Is.Not.Null);
        await using var connection = await _store.DataSource.OpenConnectionAsync();
        var table = PostgresSchema.ProductsTable(_schema, version!.Value);
        await using var rows = new NpgsqlCommand($"SELECT count(*), count(embedding), count(DISTINCT row) FROM {table}", connection);
        await using (var reader = await rows.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            var catalogRows = File.ReadLines(PostgresTestServer.SampleCatalog).Count() - 1;
            Assert.That(reader.GetInt64(0), Is.EqualTo(catalogRows));
            Assert.That(reader.GetInt64(1), Is.EqualTo(catalogRows));
            Assert.That(reader.GetInt64(2), Is.EqualTo(catalogRows));
        }

        await using var index = new NpgsqlCommand($"SELECT indexdef FROM pg_indexes WHERE schemaname = '{_schema}' AND indexdef LIKE '%hnsw%'", connection);
        Assert.That((string?)await index.ExecuteScalarAsync(), Does.Contain("vector_cosine_ops").And.Contain("m='16'").And.Contain("ef_construction='64'"));
        await using var metadata = new NpgsqlCommand($"SELECT metadata->'score_calibration' IS NOT NULL, metadata->'projection' IS NOT NULL, model_sha256 FROM {_schema}.versions WHERE version = {version}", connection);
        await using var read = await metadata.ExecuteReaderAsync();
        await read.ReadAsync();
        Assert.That(read.GetBoolean(0), Is.True, "the calibration travels with the version");
        Assert.That(read.GetBoolean(1), Is.True, "the metric head travels with the version");
        Assert.That(read.GetString(2), Has.Length.EqualTo(64));
    }

    [Test]
    public async Task Stats_name_the_postgres_storage_and_readiness_includes_the_database()
    {
        var stats = await (await _postgresClient.GetAsync("/stats")).ReadAsync<StatsResponse>();
        var embedded = await (await _embeddedClient.GetAsync("/stats")).ReadAsync<StatsResponse>();
        Assert.That(stats!.IndexStorage, Is.EqualTo("postgres"));
        Assert.That(stats.Products, Is.EqualTo(embedded!.Products));
        Assert.That(stats.Indexed, Is.EqualTo(embedded.Indexed));
        Assert.That(stats.Categories, Is.EqualTo(embedded.Categories));

        var ready = await _postgresClient.GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ready.ReadAsync<HealthResponse>())!.DatabaseReachable, Is.True);
    }

    [Test]
    public async Task Search_gives_the_embedded_top_10_on_the_shared_query_photos()
    {
        var queries = QueryPhotos();
        double found = 0, wanted = 0;
        var identical = 0;
        foreach (var photo in queries)
        {
            var bytes = await File.ReadAllBytesAsync(photo);
            var exact = await SearchAsync(_embeddedClient, bytes, ("top_k", "10"), ("threshold", "0"));
            var served = await SearchAsync(_postgresClient, bytes, ("top_k", "10"), ("threshold", "0"));
            Assert.That(served.Results, Has.Count.EqualTo(10));
            var exactIds = exact.Results.Select(r => r.Id).ToHashSet();
            found += served.Results.Count(r => exactIds.Contains(r.Id));
            wanted += exactIds.Count;
            identical += exact.Results.Select(r => r.Id).SequenceEqual(served.Results.Select(r => r.Id)) ? 1 : 0;
            foreach (var result in served.Results.Where(r => exactIds.Contains(r.Id)))
            {
                var twin = exact.Results.Single(r => r.Id == result.Id);
                Assert.That(result.Similarity, Is.EqualTo(twin.Similarity).Within(1e-3), $"{result.Id}: the same cosine");
                Assert.That(result.Score, Is.EqualTo(twin.Score).Within(1e-3), $"{result.Id}: the same calibrated score");
                Assert.That(result.SameProduct, Is.EqualTo(twin.SameProduct), $"{result.Id}: the same near-duplicate flag");
            }
        }

        var recall = found / wanted;
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{queries.Count} query photos: recall@10 {recall:F4} against the embedded exact search; identical top 10 for {identical}"));
        Assert.That(recall, Is.GreaterThanOrEqualTo(0.99));
    }

    [TestCase("category=Blazer")]
    [TestCase("category=dress&category=SHOES")]
    [TestCase("min_price=50&max_price=80")]
    [TestCase("category=Shirt&max_price=40")]
    [TestCase("category=Hat&min_price=30")]
    public async Task Filters_give_the_embedded_results_through_both_scans(string filter)
    {
        var fields = filter.Split('&').Select(f => f.Split('=')).Select(f => (f[0], f[1])).ToArray();
        foreach (var photo in QueryPhotos().Take(8))
        {
            var bytes = await File.ReadAllBytesAsync(photo);
            (string, string)[] form = [("top_k", "20"), ("threshold", "0"), .. fields];
            var exact = await SearchAsync(_embeddedClient, bytes, form);
            Assert.That(exact.Results, Is.Not.Empty, "the filter matches some products");
            foreach (var (name, client) in new[] { ("exact scan of a selective filter", _postgresClient), ("iterative HNSW scan", _iterativeClient) })
            {
                var served = await SearchAsync(client, bytes, form);
                Assert.That(served.Results.Select(r => r.Id), Is.EqualTo(exact.Results.Select(r => r.Id)), $"{name}, {filter}, {Path.GetFileName(photo)}");
            }
        }
    }

    [Test]
    public async Task A_threshold_cuts_on_the_calibrated_score_as_the_embedded_index_does()
    {
        var bytes = await File.ReadAllBytesAsync(QueryPhotos()[0]);
        foreach (var threshold in new[] { "0.3", "0.7", "0.95" })
        {
            var exact = await SearchAsync(_embeddedClient, bytes, ("top_k", "50"), ("threshold", threshold));
            var served = await SearchAsync(_postgresClient, bytes, ("top_k", "50"), ("threshold", threshold));
            Assert.That(served.Results.Select(r => r.Id), Is.EqualTo(exact.Results.Select(r => r.Id)), $"threshold {threshold}");
            Assert.That(served.Results.All(r => r.Score >= double.Parse(threshold, CultureInfo.InvariantCulture)), Is.True);
        }
    }

    [TestCase("C0001")]
    [TestCase("C0500")]
    [TestCase("C1331")]
    public async Task Similar_products_product_pages_and_images_match_the_embedded_service(string id)
    {
        var exact = await (await _embeddedClient.GetAsync($"/products/{id}/similar?top_k=10&threshold=0")).ReadAsync<SearchResponse>();
        var served = await (await _postgresClient.GetAsync($"/products/{id}/similar?top_k=10&threshold=0")).ReadAsync<SearchResponse>();
        Assert.That(served!.Results.Select(r => r.Id), Is.EqualTo(exact!.Results.Select(r => r.Id)));
        Assert.That(served.Results.Select(r => r.Id), Does.Not.Contain(id));

        Assert.That(await _postgresClient.GetStringAsync($"/products/{id}"), Is.EqualTo(await _embeddedClient.GetStringAsync($"/products/{id}")));
        Assert.That(await _postgresClient.GetStringAsync("/products?page=3&page_size=7&category=Blazer"), Is.EqualTo(await _embeddedClient.GetStringAsync("/products?page=3&page_size=7&category=Blazer")));
        var image = await _postgresClient.GetAsync($"/images/{id}");
        Assert.That(image.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await image.Content.ReadAsByteArrayAsync(), Is.EqualTo(await _embeddedClient.GetByteArrayAsync($"/images/{id}")));
        Assert.That((await _postgresClient.GetAsync("/products/NOPE/similar")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    internal static IReadOnlyList<string> QueryPhotos()
    {
        var folder = Path.Combine(TestData.DatasetsFolder, "clothing");
        return [.. File.ReadLines(Path.Combine(folder, "queries.csv")).Skip(1).Select(line => Path.Combine(folder, line.Split(',')[2]))];
    }

    internal static async Task<SearchResponse> SearchAsync(HttpClient client, byte[] photo, params (string Name, string Value)[] fields)
    {
        using var form = SearchForms.WithFile(photo, fields);
        var response = await client.PostAsync("/search", form);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<SearchResponse>())!;
    }
}
