using System.Text.Json.Serialization;

namespace ImageSearch.Api.Contracts;

/// <summary>What the service searches and with which model.</summary>
public sealed record StatsResponse(
    [property: JsonPropertyName("products")] int Products,
    [property: JsonPropertyName("indexed")] int Indexed,
    [property: JsonPropertyName("categories")] IReadOnlyList<string> Categories,
    [property: JsonPropertyName("model_sha256")] string ModelSha256,
    [property: JsonPropertyName("preprocessing")] string Preprocessing,
    [property: JsonPropertyName("dimension")] int Dimension,
    [property: JsonPropertyName("index_built_at")] DateTimeOffset IndexBuiltAt,
    [property: JsonPropertyName("catalog_changed_since_build")] bool CatalogChangedSinceBuild,
    [property: JsonPropertyName("loaded_at")] DateTimeOffset? LoadedAt,
    [property: JsonPropertyName("last_reload_failure"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastReloadFailure = null,
    [property: JsonPropertyName("index_storage")] string? IndexStorage = null,
    [property: JsonPropertyName("execution_provider")] string? ExecutionProvider = null,
    [property: JsonPropertyName("jpeg_decoder")] string? JpegDecoder = null);
