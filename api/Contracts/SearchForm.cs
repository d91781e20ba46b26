using System.Text.Json.Serialization;

namespace ImageSearch.Api.Contracts;

/// <summary>
/// The multipart/form-data fields of <c>POST /search</c> (documentation only: the endpoint reads the form itself so
/// that every bad field is a 400 naming it). Give exactly one of <c>file</c> and <c>image_url</c>.
/// </summary>
public sealed class SearchForm : SearchOptionFields
{
    /// <summary>The query photo: JPEG, PNG or WebP (detected from the bytes), at most ImageSearch:MaxUploadBytes (10 MB by default).</summary>
    [JsonPropertyName("file")]
    public IFormFile? File { get; set; }

    /// <summary>An http(s) URL of the query photo, fetched by the service (public addresses only, size and time limited).</summary>
    [JsonPropertyName("image_url")]
    public Uri? ImageUrl { get; set; }

    /// <summary>Only products of these categories (repeat the field for several; ignores case).</summary>
    [JsonPropertyName("category")]
    public IReadOnlyList<string>? Category { get; set; }
}
