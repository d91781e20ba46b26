namespace ImageSearch.Api;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed
/// (<c>ImageSearch:ForwardedHeaders</c>). From any other peer the headers are ignored: the client is the connection's
/// own address, which the rate limit and the logs then use. None by default (the API faces clients directly).
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Addresses of the proxies in front of the API (<c>10.0.0.5</c>, <c>::1</c>).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies connect from, in CIDR notation (<c>172.16.0.0/12</c>, <c>fd00::/8</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies, nearest first, may each add one address to <c>X-Forwarded-For</c>.</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Whether any proxy is configured (otherwise forwarded headers are never read).</summary>
    public bool Enabled => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}
