using System.Text.Json.Serialization;

namespace ImageSearch.Api.Contracts;

/// <summary>
/// The JSON body of <c>POST /search/vector</c> (documentation only: the endpoint reads the body itself so that every
/// bad field is a 400 naming it). The options are those of <c>POST /search</c>, under the same names.
/// </summary>
public sealed class VectorSearchRequest : SearchOptionFields
{
    /// <summary>
    /// The query embedding: as many finite numbers as the index's dimension (GET /model), not all zero. It is
    /// L2-normalised here, as the service normalises its own embeddings, so any positive scale gives the same results.
    /// </summary>
    [JsonPropertyName("vector")]
    public IReadOnlyList<float> Vector { get; set; } = [];

    /// <summary>Only products of these categories (a string or an array of strings; ignores case).</summary>
    [JsonPropertyName("category")]
    public IReadOnlyList<string>? Category { get; set; }
}
