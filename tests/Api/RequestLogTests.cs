using System.Net;

namespace ImageSearch.Tests.Api;

/// <summary>No request can forge a log line: control characters in the path reach the log percent-encoded.</summary>
public sealed class RequestLogTests : ApiTestFixture
{
    [Test]
    public async Task An_encoded_line_break_in_the_path_is_logged_encoded_and_starts_no_line_of_its_own()
    {
        using var response = await Client.GetAsync("/products/X%0d%0aInformation%20ImageSearch.Forged:%20admin%20logged%20in");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var lines = Factory.Logs.Where(l => l.Contains("Forged", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Is.Not.Empty);
        Assert.That(lines, Has.None.Contain("\r").And.None.Contain("\n"));
        Assert.That(lines, Has.Some.Contains("HTTP GET /products/X%0D%0AInformation ImageSearch.Forged: admin logged in answered 404"));
    }

    [Test]
    public async Task A_path_of_kilobytes_is_logged_cut_short()
    {
        using var response = await Client.GetAsync("/products/" + new string('p', 8000));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var line = Factory.Logs.Last(l => l.Contains("HTTP GET /products/ppp", StringComparison.Ordinal));
        Assert.That(line.Length, Is.LessThan(1024), line);
    }
}
