using System.Net.Http.Headers;

namespace ImageSearch.Tests.Api;

/// <summary>multipart/form-data bodies for <c>POST /search</c>.</summary>
internal static class SearchForms
{
    public static MultipartFormDataContent WithFile(byte[] bytes, params (string Name, string Value)[] fields) =>
        WithFile(bytes, "query.jpg", "image/jpeg", fields);

    public static MultipartFormDataContent WithFile(byte[] bytes, string fileName, string contentType, params (string Name, string Value)[] fields)
    {
        var form = Fields(fields);
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return form;
    }

    public static MultipartFormDataContent WithUrl(string url, params (string Name, string Value)[] fields) =>
        Fields([("image_url", url), .. fields]);

    public static MultipartFormDataContent Fields(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }
}
