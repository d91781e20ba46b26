using System.Net;
using System.Net.Sockets;
using System.Text;
using ImageSearch.Api.Contracts;
using ImageSearch.Tests.Fetching;
using ImageSearch.Tests.Imaging;

namespace ImageSearch.Tests.Api;

/// <summary>
/// Every way POST /search refuses a request, each answered with problem details and its own status; after each,
/// the service still answers a search (see <see cref="The_service_still_searches_after_the_error"/>).
/// </summary>
public sealed class SearchErrorTests
{
    private const long MaxUploadBytes = 200_000;

    private ApiFactory _factory = null!;
    private HttpClient _client = null!;
    private LoopbackHttpServer _server = null!;
    private int _closedPort;
    private byte[] _photo = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _photo = File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001"));
        _server = new LoopbackHttpServer(async (request, stream, ct) =>
        {
            switch (request.Target)
            {
                case "/error":
                    await LoopbackHttpServer.RespondAsync(stream, 500, "boom"u8.ToArray(), ct);
                    break;
                case "/slow":
                    await Task.Delay(TimeSpan.FromSeconds(10), ct);
                    break;
                case "/big":
                    await LoopbackHttpServer.RespondAsync(stream, 200, new byte[300_000], ct, ("Content-Type", "image/jpeg"));
                    break;
                case "/text":
                    await LoopbackHttpServer.RespondAsync(stream, 200, "<html>not an image</html>"u8.ToArray(), ct, ("Content-Type", "image/jpeg"));
                    break;
                default:
                    await LoopbackHttpServer.RespondAsync(stream, 200, _photo, ct, ("Content-Type", "image/jpeg"));
                    break;
            }
        });
        var reserved = new TcpListener(IPAddress.Loopback, 0);
        reserved.Start();
        _closedPort = ((IPEndPoint)reserved.LocalEndpoint).Port;
        reserved.Stop();
        var settings = ApiFactory.LoopbackFetching(TimeSpan.FromSeconds(1.5), _server.Port, _closedPort);
        settings["ImageSearch:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["ImageSearch:Fetching:MaxBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _factory = new ApiFactory(settings);
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _server.DisposeAsync();
    }

    [TearDown]
    public async Task The_service_still_searches_after_the_error()
    {
        var response = await _client.PostAsync("/search", SearchForms.WithFile(_photo));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a search right after the error");
        Assert.That((await response.ReadAsync<SearchResponse>())!.Results[0].Id, Is.EqualTo("C0001"));
    }

    [Test]
    public async Task Neither_file_nor_image_url_is_400()
    {
        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.Fields(("top_k", "5"))), HttpStatusCode.BadRequest);

        Assert.That(problem.Detail(), Does.Contain("'file'").And.Contain("'image_url'"));
    }

    [Test]
    public async Task Both_file_and_image_url_is_400()
    {
        var form = SearchForms.WithFile(_photo, ("image_url", _server.Url("/photo.jpg").ToString()));

        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", form), HttpStatusCode.BadRequest);

        Assert.That(problem.Title(), Does.Contain("either"));
        Assert.That(problem.Detail(), Does.Contain("exactly one"));
    }

    [Test]
    public async Task A_body_that_is_not_a_form_is_415()
    {
        using var content = new ByteArrayContent(_photo);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");

        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", content), HttpStatusCode.UnsupportedMediaType);

        Assert.That(problem.Detail(), Does.Contain("multipart/form-data"));
    }

    [TestCase("top_k", "abc")]
    [TestCase("top_k", "0")]
    [TestCase("top_k", "101")]
    [TestCase("top_k", "2.5")]
    [TestCase("threshold", "abc")]
    [TestCase("threshold", "-0.1")]
    [TestCase("threshold", "1.01")]
    [TestCase("threshold", "NaN")]
    [TestCase("min_price", "cheap")]
    [TestCase("max_price", "-3")]
    public async Task A_bad_parameter_is_400_naming_it(string name, string value)
    {
        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithFile(_photo, (name, value))), HttpStatusCode.BadRequest);

        Assert.That(problem.Title(), Is.EqualTo($"Invalid parameter '{name}'"));
        Assert.That(problem.Detail(), Does.Contain(value));
    }

    [Test]
    public async Task A_min_price_above_the_max_price_is_400()
    {
        var form = SearchForms.WithFile(_photo, ("min_price", "50"), ("max_price", "10"));

        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", form), HttpStatusCode.BadRequest);

        Assert.That(problem.Detail(), Does.Contain("above 'max_price'"));
    }

    [Test]
    public async Task A_parameter_given_twice_is_400()
    {
        var form = SearchForms.WithFile(_photo, ("top_k", "5"), ("top_k", "6"));

        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", form), HttpStatusCode.BadRequest);

        Assert.That(problem.Detail(), Does.Contain("given 2 times"));
    }

    [Test]
    public async Task An_empty_file_is_400()
    {
        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithFile([])), HttpStatusCode.BadRequest);

        Assert.That(problem.Detail(), Does.Contain("empty"));
    }

    [TestCase(MaxUploadBytes + 1)]
    [TestCase(MaxUploadBytes * 3)]
    public async Task An_upload_over_the_limit_is_413(long length)
    {
        var big = new byte[length];
        _photo.CopyTo(big, 0);

        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithFile(big)), HttpStatusCode.RequestEntityTooLarge);

        Assert.That(problem.Detail(), Does.Contain("200,000 bytes"));
    }

    [Test]
    public async Task A_text_file_is_415_even_when_declared_a_jpeg()
    {
        var form = SearchForms.WithFile(Encoding.UTF8.GetBytes("This is a shopping list, not a photo.\nmilk\neggs\n"), "photo.jpg", "image/jpeg");

        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", form), HttpStatusCode.UnsupportedMediaType);

        Assert.That(problem.Title(), Is.EqualTo("Unsupported image format"));
        Assert.That(problem.Detail(), Does.Contain("JPEG, PNG, WebP, GIF or BMP"));
    }

    [Test]
    public async Task A_tiff_is_415_naming_the_format()
    {
        var tiff = Convert.FromHexString("49492A0008000000000000000000");
        var form = SearchForms.WithFile(tiff, "scan.tif", "image/tiff");

        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", form), HttpStatusCode.UnsupportedMediaType);

        Assert.That(problem.Detail(), Does.Contain("TIFF images are not supported"));
    }

    [Test]
    public async Task A_gif_is_searched_by_its_first_frame()
    {
        var form = SearchForms.WithFile(ImagingTestData.Fixture("tiny.gif"), "tiny.gif", "image/gif");

        var response = await _client.PostAsync("/search", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_truncated_jpeg_is_422()
    {
        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithFile(_photo[..(_photo.Length / 3)])), HttpStatusCode.UnprocessableEntity);

        Assert.That(problem.Title(), Is.EqualTo("Corrupt image"));
    }

    [Test]
    public async Task An_image_over_the_pixel_limit_is_422()
    {
        var form = SearchForms.WithFile(ImagingTestData.PngHeaderOnly(60000, 60000), "huge.png", "image/png");

        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", form), HttpStatusCode.UnprocessableEntity);

        Assert.That(problem.Title(), Is.EqualTo("Image too large"));
    }

    [TestCase("http://169.254.169.254/latest/meta-data/")]
    [TestCase("http://10.0.0.1/photo.jpg")]
    [TestCase("http://127.0.0.1:22/photo.jpg")]
    public async Task A_forbidden_url_is_400_saying_the_url_is_not_allowed(string url)
    {
        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithUrl(url)), HttpStatusCode.BadRequest);

        Assert.That(problem.Title(), Is.EqualTo("The image URL is not allowed"));
    }

    [TestCase("ftp://example.com/photo.jpg")]
    [TestCase("not a url")]
    [TestCase("/relative/photo.jpg")]
    public async Task An_image_url_that_is_not_http_is_400_naming_it(string url)
    {
        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithUrl(url)), HttpStatusCode.BadRequest);

        Assert.That(problem.Title(), Is.EqualTo("Invalid parameter 'image_url'"));
    }

    [Test]
    public async Task An_upstream_error_is_502()
    {
        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithUrl(_server.Url("/error").ToString())), HttpStatusCode.BadGateway);

        Assert.That(problem.Detail(), Does.Contain("500"));
    }

    [Test]
    public async Task A_refused_connection_is_502()
    {
        var url = $"http://127.0.0.1:{_closedPort}/photo.jpg";

        await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithUrl(url)), HttpStatusCode.BadGateway);
    }

    [Test]
    public async Task A_server_slower_than_the_fetch_timeout_is_504()
    {
        var problem = await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithUrl(_server.Url("/slow").ToString())), HttpStatusCode.GatewayTimeout);

        Assert.That(problem.Detail(), Does.Contain("1.5 s"));
    }

    [Test]
    public async Task A_fetched_image_over_the_size_limit_is_413()
    {
        await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithUrl(_server.Url("/big").ToString())), HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task A_fetched_page_that_is_not_an_image_is_415()
    {
        await Problems.AssertProblemAsync(await _client.PostAsync("/search", SearchForms.WithUrl(_server.Url("/text").ToString())), HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await Problems.AssertProblemAsync(await _client.GetAsync("/nowhere"), HttpStatusCode.NotFound);
    }
}
