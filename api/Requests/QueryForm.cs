using ImageSearch.Api.Errors;
using ImageSearch.Core.Fetching;

namespace ImageSearch.Api.Requests;

/// <summary>The query photo of a search and where it came from ("upload" or "url").</summary>
public sealed record QueryImage(ReadOnlyMemory<byte> Bytes, string Source);

/// <summary>Reads the search form and its query photo: exactly one of an upload (<c>file</c>) or a URL (<c>image_url</c>).</summary>
public static class QueryForm
{
    public static async Task<IFormCollection> ReadAsync(HttpRequest request, ImageSearchOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (!request.HasFormContentType)
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "Send multipart/form-data",
                "POST /search takes multipart/form-data with a 'file' upload or an 'image_url' field.");
        }

        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            throw TooLarge(options);
        }

        try
        {
            return await request.ReadFormAsync(ct);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw TooLarge(options);
        }
        catch (InvalidDataException)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Malformed form", "The multipart/form-data body could not be read.");
        }
    }

    public static async Task<QueryImage> ImageAsync(IFormCollection form, ImageSearchOptions options, IImageFetcher fetcher, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fetcher);
        var files = form.Files.GetFiles("file");
        var url = Parameters.Single("image_url", form["image_url"]);
        if (files.Count > 1)
        {
            throw ApiProblemException.BadParameter("file", "Upload one 'file', not several.");
        }

        if (files.Count == 0 && form.ContainsKey("file"))
        {
            throw ApiProblemException.BadParameter("file", "'file' must be a file upload (multipart/form-data with a filename), not a text field.");
        }

        if (files.Count == 1 && url is not null)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Give either 'file' or 'image_url'",
                "The request has both a 'file' upload and an 'image_url'; send exactly one of them.");
        }

        if (files.Count == 1)
        {
            return new QueryImage(await ReadUploadAsync(files[0], options, ct), "upload");
        }

        if (url is null)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "No image",
                "Send the query photo as a 'file' upload or as an 'image_url'.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw ApiProblemException.BadParameter("image_url", "'image_url' must be an absolute http or https URL.");
        }

        var fetched = await fetcher.FetchAsync(uri, ct);
        return new QueryImage(fetched.Content, "url");
    }

    private static async Task<byte[]> ReadUploadAsync(IFormFile file, ImageSearchOptions options, CancellationToken ct)
    {
        if (file.Length == 0)
        {
            throw ApiProblemException.BadParameter("file", "The uploaded file is empty.");
        }

        if (file.Length > options.MaxUploadBytes)
        {
            throw TooLarge(options);
        }

        var bytes = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    private static ApiProblemException TooLarge(ImageSearchOptions options) =>
        new(StatusCodes.Status413PayloadTooLarge, "Upload too large",
            $"Uploads are limited to {options.MaxUploadBytes:N0} bytes ({options.MaxUploadBytes / (1024.0 * 1024.0):0.#} MB).");
}
