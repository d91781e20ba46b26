using System.Text.Json.Serialization;

namespace ImageSearch.Api.Contracts;

/// <summary>Liveness or readiness.</summary>
public sealed record HealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("model_loaded"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ModelLoaded = null,
    [property: JsonPropertyName("index_loaded"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? IndexLoaded = null,
    [property: JsonPropertyName("database_reachable"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? DatabaseReachable = null);
