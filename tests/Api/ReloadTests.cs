using System.Net;
using System.Net.Http.Json;
using ImageSearch.Api.Contracts;
using ImageSearch.Core.Query.Index;

namespace ImageSearch.Tests.Api;

/// <summary>Hot reload: a new index (and catalog) on disk replaces the served one without a restart; a bad one never does.</summary>
public sealed class ReloadTests
{
    [Test]
    public async Task A_new_build_of_another_catalog_subset_replaces_the_served_one()
    {
        var catalog = ReloadableCatalog.Create();
        await using var factory = catalog.Factory();
        using var client = factory.CreateClient();
        var before = await client.GetFromJsonAsync<StatsResponse>("/stats");
        var shoe = ApiTestCatalog.Catalog().Products.First(p => p.Category == "Shoes").Id;
        var shoePhoto = File.ReadAllBytes(ApiTestCatalog.PhotoOf(shoe));
        Assert.That((await SearchAsync(client, shoePhoto)).Results[0].Id, Is.EqualTo(shoe));

        var subset = ReloadableCatalog.SubsetBuild;
        catalog.Deploy(subset);
        var after = await ReloadableCatalog.WaitForStatsAsync(client, s => s.Products == subset.ProductCount && s.Indexed == subset.ProductCount, "the subset");

        Assert.That(after.Categories, Is.EquivalentTo(ReloadableCatalog.SubsetCategories));
        Assert.That(after.IndexBuiltAt, Is.Not.EqualTo(before!.IndexBuiltAt));
        Assert.That(after.LoadedAt, Is.GreaterThan(before.LoadedAt!.Value));
        Assert.That(after.CatalogChangedSinceBuild, Is.False);
        Assert.That(after.LastReloadFailure, Is.Null);
        var results = (await SearchAsync(client, shoePhoto)).Results;
        Assert.That(results.Select(r => r.Category), Has.All.AnyOf(ReloadableCatalog.SubsetCategories.Cast<object>().ToArray()));
        Assert.That((await client.GetAsync($"/products/{shoe}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(factory.Logs, Has.Some.Contains("Reloaded " + subset.ProductCount + " products"));
    }

    [Test]
    public async Task A_garbage_index_is_refused_with_a_warning_and_the_old_one_keeps_serving_until_a_good_one_arrives()
    {
        var catalog = ReloadableCatalog.Create();
        await using var factory = catalog.Factory();
        using var client = factory.CreateClient();
        var before = await client.GetFromJsonAsync<StatsResponse>("/stats");

        ReloadableCatalog.ReplaceAtomically(catalog.IndexPath, "this is,not an index\n\u0001\u0002garbage"u8.ToArray());
        var refused = await ReloadableCatalog.WaitForStatsAsync(client, s => s.LastReloadFailure is not null, "the refusal");

        Assert.That(factory.Logs, Has.Some.StartsWith("Warning").And.Contains("Reload refused").And.Contains(catalog.IndexPath));
        Assert.That((refused.IndexBuiltAt, refused.LoadedAt, refused.Indexed), Is.EqualTo((before!.IndexBuiltAt, before.LoadedAt, before.Indexed)));
        Assert.That(refused.LastReloadFailure, Does.Contain(catalog.IndexPath));
        var response = await SearchAsync(client, File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001")));
        Assert.That(response.Results[0].Id, Is.EqualTo("C0001"));

        // The next change is tried again.
        catalog.Deploy(ReloadableCatalog.SubsetBuild);
        var after = await ReloadableCatalog.WaitForStatsAsync(client, s => s.Indexed == ReloadableCatalog.SubsetBuild.ProductCount, "the good index");
        Assert.That(after.LastReloadFailure, Is.Null);
    }

    [Test]
    public async Task A_half_replaced_pair_is_refused_until_the_metadata_of_the_same_build_arrives()
    {
        var catalog = ReloadableCatalog.Create();
        await using var factory = catalog.Factory();
        using var client = factory.CreateClient();
        var before = await client.GetFromJsonAsync<StatsResponse>("/stats");
        var subset = ReloadableCatalog.SubsetBuild;

        // The subset's index.csv beside the old metadata (and the full catalog): the lengths disagree.
        ReloadableCatalog.ReplaceAtomically(catalog.IndexPath, subset.Index);
        var refused = await ReloadableCatalog.WaitForStatsAsync(client, s => s.LastReloadFailure is not null, "the refusal");
        Assert.That(refused.LastReloadFailure, Does.Contain("different builds"));
        Assert.That(refused.Indexed, Is.EqualTo(before!.Indexed));

        ReloadableCatalog.ReplaceAtomically(IndexMetadata.PathFor(catalog.IndexPath), subset.Metadata);
        var after = await ReloadableCatalog.WaitForStatsAsync(client, s => s.Indexed == subset.ProductCount, "the complete pair");
        Assert.That(after.Products, Is.EqualTo(before.Products), "the catalog was not replaced");
        Assert.That(after.CatalogChangedSinceBuild, Is.True);
    }

    [Test]
    public async Task Requests_in_flight_while_the_index_is_swapped_again_and_again_all_succeed()
    {
        var catalog = ReloadableCatalog.Create();
        await using var factory = catalog.Factory(new() { ["ImageSearch:Reload:Debounce"] = "00:00:00.05" });
        using var client = factory.CreateClient();
        var photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"));
        var subset = ReloadableCatalog.SubsetBuild;
        using var stop = new CancellationTokenSource();

        // Only the index alternates (the full catalog stays): C0001 is in both builds.
        var swapper = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var files = i % 2 == 0 ? subset : catalog.Original;
                ReloadableCatalog.ReplaceAtomically(catalog.IndexPath, files.Index);
                ReloadableCatalog.ReplaceAtomically(IndexMetadata.PathFor(catalog.IndexPath), files.Metadata);
                await Task.Delay(150);
            }
        });
        var statuses = new List<HttpStatusCode>();
        var deadline = DateTime.UtcNow.AddSeconds(4);
        while (DateTime.UtcNow < deadline)
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                // Threshold 0: this test is about swaps, not about how confident a small calibrated catalog is.
                using var response = await client.PostAsync("/search", SearchForms.WithFile(photo, ("threshold", "0")));
                var body = await response.Content.ReadAsStringAsync();
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
                var result = System.Text.Json.JsonSerializer.Deserialize<SearchResponse>(body)!;
                Assert.That(result.Results, Is.Not.Empty, body);
                Assert.That(result.Results[0].Id, Is.EqualTo("C0001"));
                return response.StatusCode;
            }));
            statuses.AddRange(batch);
        }

        await stop.CancelAsync();
        await swapper;

        Assert.That(statuses, Has.Count.GreaterThan(8).And.All.EqualTo(HttpStatusCode.OK));
        Assert.That(factory.Logs.Count(l => l.Contains("Reloaded ", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(2), "the index was swapped while searching");
    }

    private static async Task<SearchResponse> SearchAsync(HttpClient client, byte[] photo)
    {
        using var response = await client.PostAsync("/search", SearchForms.WithFile(photo, ("threshold", "0"), ("top_k", "100")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<SearchResponse>())!;
    }
}
