using ImageSearch.Api.Errors;
using ImageSearch.Core.Fetching;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Index;
using Microsoft.AspNetCore.Http;

namespace ImageSearch.Tests.Api;

/// <summary>How each exception maps to a status (including those the in-memory test server cannot produce).</summary>
public sealed class ApiExceptionHandlerTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return Case(new ImageDecodeException(ImageDecodeError.UnsupportedFormat, ImageFormat.Gif, "GIF images are not supported"), 415);
        yield return Case(new ImageDecodeException(ImageDecodeError.Corrupt, ImageFormat.Jpeg, "truncated"), 422);
        yield return Case(new ImageDecodeException(ImageDecodeError.TooLarge, ImageFormat.Png, "too many pixels"), 422);
        yield return Case(new ImageFetchException(ImageFetchError.UrlNotAllowed, "not public"), 400);
        yield return Case(new ImageFetchException(ImageFetchError.TooLarge, "too long"), 413);
        yield return Case(new ImageFetchException(ImageFetchError.Timeout, "slow"), 504);
        yield return Case(new ImageFetchException(ImageFetchError.UpstreamError, "answered 500"), 502);
        yield return Case(new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge), 413);
        yield return Case(new BadHttpRequestException("Unexpected end of request content.", StatusCodes.Status400BadRequest), 400);
        yield return Case(ApiProblemException.BadParameter("top_k", "bad"), 400);
        yield return Case(ApiProblemException.NotFound("none"), 404);
    }

    [TestCaseSource(nameof(Cases))]
    public void Each_failure_has_its_status(Exception exception, int status)
    {
        var (actual, title, detail) = ApiExceptionHandler.Describe(exception);

        Assert.That(actual, Is.EqualTo(status));
        Assert.That(title, Is.Not.Empty);
        Assert.That(detail, Is.Not.Empty);
    }

    [Test]
    public void A_damaged_index_row_is_a_503_that_does_not_show_the_file_path()
    {
        var (status, title, detail) = ApiExceptionHandler.Describe(
            new IndexFormatException("/srv/data/index.bin is damaged: the vector of row 8 (p7) does not match its checksum."));

        Assert.That(status, Is.EqualTo(503));
        Assert.That(title, Does.Contain("damaged"));
        Assert.That(detail, Does.Not.Contain("/srv/data"));
    }

    [Test]
    public void An_unexpected_exception_is_a_500_that_shows_nothing_of_it()
    {
        var (status, title, detail) = ApiExceptionHandler.Describe(new InvalidOperationException("connection string Password=hunter2"));

        Assert.That(status, Is.EqualTo(500));
        Assert.That(title + detail, Does.Not.Contain("hunter2").And.Not.Contain("InvalidOperation"));
    }

    private static TestCaseData Case(Exception exception, int status) =>
        new TestCaseData(exception, status).SetArgDisplayNames(exception.GetType().Name + "(" + exception.Message + ")", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
