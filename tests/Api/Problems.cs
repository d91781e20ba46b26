using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ImageSearch.Tests.Api;

/// <summary>Assertions on RFC 9457 problem details answers.</summary>
internal static class Problems
{
    /// <summary>Asserts the status, the problem+json type and a title and detail, and that nothing of an exception shows; returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        Assert.That(problem.GetProperty("title").GetString(), Is.Not.Empty);
        Assert.That(text, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace or exception type leaks");
        return problem;
    }

    public static string Detail(this JsonElement problem) =>
        problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? string.Empty : string.Empty;

    public static string Title(this JsonElement problem) => problem.GetProperty("title").GetString()!;

    public static Task<T?> ReadAsync<T>(this HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>();
}
