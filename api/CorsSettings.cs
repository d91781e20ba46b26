namespace ImageSearch.Api;

/// <summary>Cross-origin requests (<c>ImageSearch:Cors</c>).</summary>
public sealed class CorsSettings
{
    /// <summary>Origins (<c>https://shop.example.com</c>) whose pages may call the API; none by default (same-origin pages always can).</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
