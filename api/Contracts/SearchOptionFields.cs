using System.Text.Json.Serialization;

namespace ImageSearch.Api.Contracts;

/// <summary>The options every search takes besides its query (documentation of the request fields; endpoints read them themselves).</summary>
public abstract class SearchOptionFields
{
    /// <summary>At most this many results, 1–100 (default 10).</summary>
    [JsonPropertyName("top_k")]
    public int? TopK { get; set; }

    /// <summary>Leave out results whose score (the calibrated probability of a relevant match) is below this, 0–1 (default 0.70: about 70% likely relevant).</summary>
    [JsonPropertyName("threshold")]
    public float? Threshold { get; set; }

    /// <summary>Only products priced at least this (products without a price are left out).</summary>
    [JsonPropertyName("min_price")]
    public decimal? MinPrice { get; set; }

    /// <summary>Only products priced at most this (products without a price are left out).</summary>
    [JsonPropertyName("max_price")]
    public decimal? MaxPrice { get; set; }
}
