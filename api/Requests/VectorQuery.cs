using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using ImageSearch.Api.Errors;
using ImageSearch.Core.Query.Inference;
using ImageSearch.Core.Query.Search;
using Microsoft.Extensions.Primitives;
using ImageSearch.Core.Query.Embedding;

namespace ImageSearch.Api.Requests;

/// <summary>
/// A vector search: the query vector, L2-normalised and labelled as a feature vector (the client computes what the
/// service's embedder would, so the index's metric head still applies), and the search options.
/// </summary>
public sealed record VectorQuery(QueryEmbedding Vector, SearchRequest Request)
{
    /// <summary>Room for the options and for numbers written out long, around the vector's components.</summary>
    public static long MaxBodyBytes(int dimension) => (64 * 1024) + (64L * dimension);

    /// <summary>
    /// Reads the JSON body of <c>POST /search/vector</c>. Every problem is an <see cref="ApiProblemException"/> naming the
    /// field: not JSON (415), too long (413), malformed (400), no vector or one of the wrong length, with a component
    /// that is not a finite number, or all zeros (400); the options are checked exactly as <c>POST /search</c> checks them.
    /// </summary>
    public static async Task<VectorQuery> ReadAsync(HttpRequest request, int dimension, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (!request.HasJsonContentType())
        {
            throw NotJson();
        }

        var limit = MaxBodyBytes(dimension);
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var document = await ParseAsync(request.Body, limit, ct);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Malformed JSON",
                $"The body must be a JSON object with a 'vector'; got a JSON {Describe(root.ValueKind)}.");
        }

        var vector = QueryEmbedding.Features(ReadVector(root, dimension));
        var search = new SearchRequest(
            Parameters.TopK(Scalar(root, "top_k")),
            Parameters.Threshold(Scalar(root, "threshold")),
            Parameters.Filter(Categories(root), Scalar(root, "min_price"), Scalar(root, "max_price")));
        return new VectorQuery(vector, search);
    }

    /// <summary>Scales <paramref name="vector"/> to unit length in place, as the service's embeddings are; false when it is all zeros.</summary>
    public static bool TryNormalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (!float.IsNormal(norm))
        {
            // Zero, or a sum of squares that underflows or overflows a float: bring the largest component to ±1 first.
            var largest = MathF.Abs(TensorPrimitives.MaxMagnitude(vector));
            if (largest == 0)
            {
                return false;
            }

            TensorPrimitives.Divide(vector, largest, vector);
        }

        FeatureExtractor.Normalize(vector);
        return true;
    }

    private static async Task<JsonDocument> ParseAsync(Stream body, long limit, CancellationToken ct)
    {
        // The length may be unknown (chunked): read at most one byte past the limit.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "No vector", "The body is empty; send a JSON object with a 'vector'.");
        }

        try
        {
            return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (JsonException e)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Malformed JSON",
                $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }
    }

    private static float[] ReadVector(JsonElement root, int dimension)
    {
        if (!root.TryGetProperty("vector", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "No vector",
                $"Send the query embedding as 'vector': an array of {dimension} numbers (GET /model says how to compute it).");
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw ApiProblemException.BadParameter("vector", $"'vector' must be an array of {dimension} numbers; got a JSON {Describe(array.ValueKind)}.");
        }

        var length = array.GetArrayLength();
        if (length != dimension)
        {
            throw ApiProblemException.BadParameter("vector", $"'vector' has {length} components; this index takes {dimension}.");
        }

        var vector = new float[dimension];
        var i = 0;
        foreach (var component in array.EnumerateArray())
        {
            if (component.ValueKind != JsonValueKind.Number)
            {
                throw ApiProblemException.BadParameter("vector", $"'vector[{i}]' must be a number; got a JSON {Describe(component.ValueKind)}.");
            }

            if (!component.TryGetDouble(out var value) || !float.IsFinite((float)value))
            {
                throw ApiProblemException.BadParameter("vector", $"'vector[{i}]' ({Excerpt(component.GetRawText())}) is not a finite 32-bit number.");
            }

            vector[i++] = (float)value;
        }

        if (!TryNormalize(vector))
        {
            throw ApiProblemException.BadParameter("vector", "'vector' is all zeros, so it has no direction to search in; an embedding is never zero.");
        }

        return vector;
    }

    /// <summary>A number or a string, as the form field's text (so <see cref="Parameters"/> checks it); null or absent is none.</summary>
    private static StringValues Scalar(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return StringValues.Empty;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Null => StringValues.Empty,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString(),
            _ => throw ApiProblemException.BadParameter(name, $"'{name}' must be a number; got a JSON {Describe(value.ValueKind)}."),
        };
    }

    /// <summary><c>category</c>: a string or an array of strings.</summary>
    private static StringValues Categories(JsonElement root)
    {
        if (!root.TryGetProperty("category", out var value))
        {
            return StringValues.Empty;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return StringValues.Empty;
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Array:
                var categories = new List<string>();
                foreach (var item in value.EnumerateArray())
                {
                    categories.Add(item.ValueKind == JsonValueKind.String
                        ? item.GetString()!
                        : throw ApiProblemException.BadParameter("category", $"'category' must hold strings; got a JSON {Describe(item.ValueKind)}."));
                }

                return new StringValues([.. categories]);
            default:
                throw ApiProblemException.BadParameter("category", $"'category' must be a string or an array of strings; got a JSON {Describe(value.ValueKind)}.");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Excerpt(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static ApiProblemException NotJson() =>
        new(StatusCodes.Status415UnsupportedMediaType, "Send application/json", Endpoints.VectorSearchEndpoints.ExpectedBody);

    private static ApiProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "Request too large",
            string.Create(CultureInfo.InvariantCulture, $"A vector search body is at most {limit:N0} bytes; send the vector's numbers and the options only."));
}
