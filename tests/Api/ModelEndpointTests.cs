using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using ImageSearch.Api.Contracts;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Tests.Embedding;

namespace ImageSearch.Tests.Api;

/// <summary>GET /model describes the model the service runs and GET /model/feature.onnx serves it, byte for byte.</summary>
public sealed class ModelEndpointTests : ApiTestFixture
{
    [Test]
    public async Task The_description_is_the_model_preprocessing_and_dimension_that_built_the_index()
    {
        var index = ApiTestCatalog.Index().Metadata;
        var imageNet = PreprocessingOptions.ImageNet;

        using var response = await Client.GetAsync("/model");
        var model = (await response.ReadAsync<ModelResponse>())!;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((model.ModelSha256, model.Dimension, model.Pooling), Is.EqualTo((index.ModelSha256, index.Dimension, index.Pooling)));
        Assert.That(model.ModelUrl, Is.EqualTo($"/model/feature.onnx?sha256={index.ModelSha256}"));
        Assert.That(model.ModelBytes, Is.EqualTo(new FileInfo(ModelZooFixture.PreparedModel).Length));
        Assert.That((model.Input.Type, model.Input.Layout, model.Input.Shape), Is.EqualTo(("float32", "NCHW", new[] { 1, 3, 224, 224 })));
        Assert.That((model.Output.Kind, model.Output.Shape), Is.EqualTo(("pooled", new[] { 1, 1280 })));
        var preprocessing = model.Preprocessing;
        Assert.That(preprocessing.Name, Is.EqualTo(index.Preprocessing));
        Assert.That((preprocessing.ResizeShortSide, preprocessing.CropSize, preprocessing.Crop), Is.EqualTo((256, 224, "center")));
        Assert.That((preprocessing.Mean, preprocessing.Std), Is.EqualTo((imageNet.Mean, imageNet.Std)));
        Assert.That((preprocessing.Orientation, preprocessing.Alpha, preprocessing.ChannelOrder, preprocessing.ResizeFilter), Is.EqualTo(("exif", "white", "RGB", "bilinear-antialiased")));
        Assert.That(preprocessing.Scale, Is.EqualTo(1.0 / 255));
        Assert.That(preprocessing.JpegMinShortSide, Is.EqualTo(320), "JPEGs decode at a reduced DCT scale while the shorter side stays at least 5/4 of 256");
        Assert.That((model.Normalization, model.MaxPixels, model.SearchUrl), Is.EqualTo(("l2", 40_000_000L, "/search/vector")));
        Assert.That(response.Headers.CacheControl?.NoCache, Is.True);
    }

    [Test]
    public async Task The_model_file_is_the_running_model_byte_for_byte_cacheable_for_good_under_its_hash()
    {
        var model = (await (await Client.GetAsync("/model")).ReadAsync<ModelResponse>())!;

        using var response = await Client.GetAsync(model.ModelUrl);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(bytes, Is.EqualTo(File.ReadAllBytes(ModelZooFixture.PreparedModel)));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(model.ModelSha256));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/octet-stream"));
        Assert.That(response.Headers.ETag?.Tag, Is.EqualTo($"\"{model.ModelSha256}\""));
        Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, immutable, max-age=31536000").Or.EqualTo("public, max-age=31536000, immutable"));
    }

    [Test]
    public async Task Without_a_hash_the_file_is_revalidated_and_its_etag_answers_304()
    {
        using var first = await Client.GetAsync("/model/feature.onnx");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/model/feature.onnx");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var again = await Client.SendAsync(request);

        Assert.That(first.Headers.CacheControl?.NoCache, Is.True);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(await again.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task Head_gives_the_files_etag_and_length_so_a_cached_model_is_checked_without_downloading_it()
    {
        using var get = await Client.GetAsync("/model/feature.onnx");
        using var request = new HttpRequestMessage(HttpMethod.Head, "/model/feature.onnx");

        using var head = await Client.SendAsync(request);

        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK), "not 405");
        Assert.That(head.Headers.ETag, Is.EqualTo(get.Headers.ETag));
        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(get.Content.Headers.ContentLength));
        Assert.That(head.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/octet-stream"));
    }

    [Test]
    public async Task A_hash_that_is_not_the_running_models_is_404()
    {
        using var response = await Client.GetAsync($"/model/feature.onnx?sha256={new string('0', 64)}");

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.That(problem.Detail(), Does.Contain("GET /model"));
    }

    [Test]
    public async Task A_model_file_replaced_on_disk_since_start_up_is_not_served_and_searching_goes_on()
    {
        var folder = Directory.CreateTempSubdirectory("imagesearch-model-").FullName;
        var path = Path.Combine(folder, "features.onnx");
        File.Copy(ModelZooFixture.PreparedModel, path);
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:ModelPath"] = path });
        using var client = factory.CreateClient();
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        File.WriteAllBytes(path, [1, 2, 3]);
        using var file = await client.GetAsync("/model/feature.onnx");
        using var description = await client.GetAsync("/model");
        using var search = await client.PostAsync("/search", SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"))));

        var problem = await Problems.AssertProblemAsync(file, HttpStatusCode.ServiceUnavailable);
        Assert.That(problem.Detail(), Does.Contain("changed on disk"));
        await Problems.AssertProblemAsync(description, HttpStatusCode.ServiceUnavailable);
        Assert.That(search.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(factory.Logs, Has.Some.Contains("Not serving the model"));
    }

    [Test]
    public async Task A_page_on_an_allowed_origin_may_fetch_the_model_and_search_by_vector()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:Cors:AllowedOrigins:0"] = "https://shop.example.com" });
        using var client = factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/search/vector");
        preflight.Headers.Add("Origin", "https://shop.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var get = new HttpRequestMessage(HttpMethod.Get, "/model/feature.onnx");
        get.Headers.Add("Origin", "https://shop.example.com");

        using var preflightAnswer = await client.SendAsync(preflight);
        using var getAnswer = await client.SendAsync(get);

        Assert.That(preflightAnswer.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("https://shop.example.com"));
        Assert.That(preflightAnswer.Headers.GetValues("Access-Control-Allow-Headers").Single(), Does.Contain("content-type").IgnoreCase);
        Assert.That(getAnswer.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("https://shop.example.com"));
        Assert.That(getAnswer.Content.Headers.ContentType, Is.EqualTo(new MediaTypeHeaderValue("application/octet-stream")));
    }
}
