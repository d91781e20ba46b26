using System.Globalization;
using ImageSearch.Api.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace ImageSearch.Api.Requests;

/// <summary>
/// The query photo of a search: an upload (read only once its search holds an embedding slot, so that waiting
/// searches hold no image in memory) or an http(s) URL to fetch (once its search holds a fetch slot).
/// </summary>
public sealed record SearchQuery(IFormFile? Upload, Uri? Url)
{
    /// <summary>"upload" or "url", for logs and metrics.</summary>
    public string Source => Upload is not null ? "upload" : "url";
}

/// <summary>Reads the search form and its query photo: exactly one of an upload (<c>file</c>) or a URL (<c>image_url</c>).</summary>
public static class QueryForm
{
    /// <summary>The longest text field (<c>image_url</c> included) the form may carry, in characters.</summary>
    public const int MaxFieldLength = 4096;

    /// <summary>The most parts (fields and files) a search form may have.</summary>
    public const int MaxFields = 32;

    /// <summary>The form limits of <c>POST /search</c>, beyond the body size set from <see cref="ImageSearchOptions.MaxRequestBodyBytes"/>.</summary>
    public static void Configure(FormOptions form, ImageSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(options);
        form.MultipartBodyLengthLimit = options.MaxRequestBodyBytes;
        form.ValueLengthLimit = MaxFieldLength;
        form.ValueCountLimit = MaxFields;
        form.KeyLengthLimit = 256;
    }

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

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (InvalidDataException e)
        {
            throw FormRefusal(e, options);
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            // The multipart reader ran out of body before the closing boundary (a truncated or cut-off upload).
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Malformed form",
                "The multipart/form-data body ended before its closing boundary; send the whole form.");
        }

        // Multipart text fields are not held to FormOptions.ValueLengthLimit by the framework: a field of megabytes
        // would be parsed and echoed. None of the search's fields needs more than a long URL.
        foreach (var (name, values) in form)
        {
            foreach (var value in values)
            {
                if (value is { Length: > MaxFieldLength })
                {
                    throw ApiProblemException.BadParameter(Parameters.Excerpt(name),
                        $"'{Parameters.Excerpt(name)}' is {value.Length:N0} characters long; form fields are limited to {MaxFieldLength:N0}.");
                }
            }
        }

        return form;
    }

    /// <summary>Which photo the form asks about; checks the fields without reading the upload or fetching the URL.</summary>
    public static SearchQuery Query(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
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
            if (files[0].Length == 0)
            {
                throw ApiProblemException.BadParameter("file", "The uploaded file is empty.");
            }

            return new SearchQuery(files[0], null);
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

        return new SearchQuery(null, uri);
    }

    /// <summary>The upload's bytes; 413 beyond <see cref="ImageSearchOptions.MaxUploadBytes"/>.</summary>
    public static async Task<byte[]> ReadUploadAsync(IFormFile file, ImageSearchOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        if (file.Length > options.MaxUploadBytes)
        {
            throw TooLarge(options);
        }

        var bytes = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    /// <summary>Names the form limit that the body broke (the framework's messages start with the limit's name).</summary>
    private static ApiProblemException FormRefusal(InvalidDataException e, ImageSearchOptions options)
    {
        var message = e.Message;
        if (message.StartsWith("Multipart body length limit", StringComparison.Ordinal))
        {
            return TooLarge(options);
        }

        if (message.StartsWith("Form value count limit", StringComparison.Ordinal))
        {
            return new ApiProblemException(StatusCodes.Status400BadRequest, "Too many form fields",
                string.Create(CultureInfo.InvariantCulture, $"The form has more than {MaxFields} fields; a search needs 'file' or 'image_url' and a few options."));
        }

        if (message.StartsWith("Form value length limit", StringComparison.Ordinal) || message.StartsWith("Form key length limit", StringComparison.Ordinal))
        {
            return new ApiProblemException(StatusCodes.Status400BadRequest, "Form field too long",
                string.Create(CultureInfo.InvariantCulture, $"A form field is longer than {MaxFieldLength:N0} characters."));
        }

        if (message.Contains("header", StringComparison.OrdinalIgnoreCase) || message.StartsWith("Line length limit", StringComparison.Ordinal))
        {
            return new ApiProblemException(StatusCodes.Status400BadRequest, "Malformed form",
                "A part of the multipart/form-data body has headers that are too long or too many.");
        }

        return new ApiProblemException(StatusCodes.Status400BadRequest, "Malformed form", "The multipart/form-data body could not be read.");
    }

    private static ApiProblemException TooLarge(ImageSearchOptions options) =>
        new(StatusCodes.Status413PayloadTooLarge, "Upload too large",
            $"Uploads are limited to {options.MaxUploadBytes:N0} bytes ({options.MaxUploadBytes / (1024.0 * 1024.0):0.#} MB).");
}
