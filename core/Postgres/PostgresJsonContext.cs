using System.Text.Json.Serialization;

namespace ImageSearch.Core.Postgres;

/// <summary>The catalog's extra columns of a product, stored as one jsonb object.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext;
