using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ImageSearch.Tests.Api;

/// <summary>
/// The search form's limits: every refusal names the limit that was broken, no field is read or echoed beyond a
/// few kilobytes, and a body cut short is a 400, never a 500.
/// </summary>
public sealed class SearchFormLimitTests : ApiTestFixture
{
    [Test]
    public async Task A_multipart_body_cut_short_is_a_400_naming_the_problem_and_nothing_is_logged_as_an_error()
    {
        const string boundary = "cut-short-boundary";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
            + new string('x', 5000);
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");

        using var response = await Client.PostAsync("/search", content);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Detail(), Does.Contain("ended before its closing boundary"));
        Assert.That(Factory.Logs, Has.None.StartsWith("Error"));
    }

    [Test]
    public async Task A_text_field_of_megabytes_is_refused_by_name_without_being_echoed()
    {
        var huge = new string('9', 5 * 1024 * 1024);

        using var response = await Client.PostAsync("/search", SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001")), ("threshold", huge)));

        var text = await response.Content.ReadAsStringAsync();
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Title(), Is.EqualTo("Invalid parameter 'threshold'"));
        Assert.That(problem.Detail(), Does.Contain("limited to 4,096"));
        Assert.That(text.Length, Is.LessThan(1024));
    }

    [Test]
    public async Task A_huge_image_url_is_refused_and_neither_the_answer_nor_any_log_line_echoes_it()
    {
        var url = "https://images.example.com/" + new string('a', 9 * 1024 * 1024);

        using var response = await Client.PostAsync("/search", SearchForms.WithUrl(url));

        var text = await response.Content.ReadAsStringAsync();
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Title(), Is.EqualTo("Invalid parameter 'image_url'"));
        Assert.That(text.Length, Is.LessThan(1024));
        Assert.That(Factory.Logs.Max(l => l.Length), Is.LessThan(4096), "the longest log line");
    }

    [Test]
    public async Task A_long_image_url_within_the_limit_is_echoed_cut_short()
    {
        var url = "https://127.0.0.1/" + new string('a', 3000) + ".jpg";

        using var response = await Client.PostAsync("/search", SearchForms.WithUrl(url));

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Title(), Is.EqualTo("The image URL is not allowed"));
        Assert.That(problem.Detail().Length, Is.LessThan(400), problem.Detail());
    }

    [Test]
    public async Task Too_many_form_fields_are_refused_as_such_not_as_a_large_upload()
    {
        var fields = Enumerable.Range(0, 40).Select(i => ($"extra{i}", "1")).ToArray();

        using var response = await Client.PostAsync("/search", SearchForms.WithFile(File.ReadAllBytes(ApiTestCatalog.PhotoOf("C0001")), fields));

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.Title(), Is.EqualTo("Too many form fields"));
        Assert.That(problem.Detail(), Does.Not.Contain("Uploads are limited"));
    }
}
