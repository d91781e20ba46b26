namespace ImageSearch.Core.Fetching;

/// <summary>What an IP address is, as far as fetching from it goes. Only <see cref="Public"/> may be fetched from.</summary>
public enum IpAddressClass
{
    /// <summary>Global unicast: the only class the fetcher connects to.</summary>
    Public,

    /// <summary>0.0.0.0 and :: (Linux connects both to the local host).</summary>
    Unspecified,

    /// <summary>127.0.0.0/8 and ::1.</summary>
    Loopback,

    /// <summary>10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.</summary>
    Private,

    /// <summary>169.254.0.0/16 (cloud metadata at 169.254.169.254) and fe80::/10.</summary>
    LinkLocal,

    /// <summary>224.0.0.0/4 and ff00::/8.</summary>
    Multicast,

    /// <summary>255.255.255.255.</summary>
    Broadcast,

    /// <summary>fc00::/7 (AWS's IPv6 metadata, fd00:ec2::254, is one).</summary>
    UniqueLocal,

    /// <summary>fec0::/10, deprecated but still routed inside some networks.</summary>
    SiteLocal,

    /// <summary>
    /// Every other special-purpose range: 0/8, 100.64/10 (carrier-grade NAT), 192.0.0/24, the documentation and
    /// benchmarking ranges, 240/4, IPv4-compatible IPv6, Teredo, anything outside 2000::/3...
    /// </summary>
    Reserved,
}
