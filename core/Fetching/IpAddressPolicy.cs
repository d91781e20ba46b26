using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ImageSearch.Core.Fetching;

/// <summary>
/// Decides which addresses the fetcher may connect to. Pure: no DNS, no configuration.
/// </summary>
/// <remarks>
/// IPv6 forms that carry an IPv4 address (IPv4-mapped <c>::ffff:a.b.c.d</c>, NAT64 <c>64:ff9b::/96</c>, 6to4
/// <c>2002::/16</c>) are judged by the IPv4 address they carry. Teredo (<c>2001::/32</c>) and IPv4-compatible
/// (<c>::a.b.c.d</c>) addresses are refused outright. Of the rest of IPv6, only 2000::/3 less its special ranges is
/// public.
/// </remarks>
public static class IpAddressPolicy
{
    public static IpAddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(V4Bits(address)),
            AddressFamily.InterNetworkV6 => ClassifyV6(address),
            _ => IpAddressClass.Reserved,
        };
    }

    /// <summary>
    /// Whether the fetcher may connect to <paramref name="address"/>. <paramref name="allowLoopback"/> (tests only)
    /// admits 127.0.0.0/8, ::1 and their IPv4-mapped forms, and nothing else that is not public.
    /// </summary>
    public static bool IsAllowed(IPAddress address, bool allowLoopback = false) => Classify(address) switch
    {
        IpAddressClass.Public => true,
        IpAddressClass.Loopback => allowLoopback && IsDirectLoopback(address),
        _ => false,
    };

    /// <summary>IPv4-mapped addresses as the IPv4 address they are; everything else unchanged.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    private static bool IsDirectLoopback(IPAddress address)
    {
        address = Normalize(address);
        return address.AddressFamily == AddressFamily.InterNetwork
            ? V4Bits(address) >> 24 == 127
            : address.Equals(IPAddress.IPv6Loopback);
    }

    private static uint V4Bits(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static bool In(uint address, uint network, int prefixLength) =>
        (address ^ network) >> (32 - prefixLength) == 0;

    private static uint V4(byte a, byte b, byte c, byte d) => ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d;

    private static IpAddressClass ClassifyV4(uint a)
    {
        if (a == 0)
        {
            return IpAddressClass.Unspecified;
        }

        if (a == uint.MaxValue)
        {
            return IpAddressClass.Broadcast;
        }

        if (In(a, V4(127, 0, 0, 0), 8))
        {
            return IpAddressClass.Loopback;
        }

        if (In(a, V4(10, 0, 0, 0), 8) || In(a, V4(172, 16, 0, 0), 12) || In(a, V4(192, 168, 0, 0), 16))
        {
            return IpAddressClass.Private;
        }

        if (In(a, V4(169, 254, 0, 0), 16))
        {
            return IpAddressClass.LinkLocal;
        }

        if (In(a, V4(224, 0, 0, 0), 4))
        {
            return IpAddressClass.Multicast;
        }

        if (In(a, 0, 8) // "this network"
            || In(a, V4(100, 64, 0, 0), 10) // carrier-grade NAT (RFC 6598)
            || In(a, V4(192, 0, 0, 0), 24) // IETF protocol assignments
            || In(a, V4(192, 0, 2, 0), 24) // TEST-NET-1
            || In(a, V4(192, 88, 99, 0), 24) // 6to4 relay anycast
            || In(a, V4(198, 18, 0, 0), 15) // benchmarking
            || In(a, V4(198, 51, 100, 0), 24) // TEST-NET-2
            || In(a, V4(203, 0, 113, 0), 24) // TEST-NET-3
            || In(a, V4(240, 0, 0, 0), 4)) // reserved
        {
            return IpAddressClass.Reserved;
        }

        return IpAddressClass.Public;
    }

    private static IpAddressClass ClassifyV6(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        var high = BinaryPrimitives.ReadUInt64BigEndian(b);
        var low = BinaryPrimitives.ReadUInt64BigEndian(b[8..]);
        var lastV4 = BinaryPrimitives.ReadUInt32BigEndian(b[12..]);

        if (high == 0)
        {
            if (low == 0)
            {
                return IpAddressClass.Unspecified;
            }

            if (low == 1)
            {
                return IpAddressClass.Loopback;
            }

            // ::ffff:a.b.c.d is the IPv4 address itself to a dual-mode socket.
            return low >> 32 == 0xFFFF ? ClassifyV4(lastV4) : IpAddressClass.Reserved;
        }

        // NAT64 well-known prefix 64:ff9b::/96: the gateway connects to the embedded IPv4 address.
        if (high == 0x0064_ff9b_0000_0000UL && low >> 32 == 0)
        {
            return ClassifyV4(lastV4);
        }

        var first16 = (ushort)(high >> 48);
        if ((first16 & 0xFF00) == 0xFF00)
        {
            return IpAddressClass.Multicast;
        }

        if ((first16 & 0xFFC0) == 0xFE80)
        {
            return IpAddressClass.LinkLocal;
        }

        if ((first16 & 0xFFC0) == 0xFEC0)
        {
            return IpAddressClass.SiteLocal;
        }

        if ((first16 & 0xFE00) == 0xFC00)
        {
            return IpAddressClass.UniqueLocal;
        }

        // 6to4 2002:AABB:CCDD::/48 routes to the IPv4 address AA.BB.CC.DD.
        if (first16 == 0x2002)
        {
            return ClassifyV4((uint)(high >> 16));
        }

        // Only 2000::/3 is allocated for global unicast; of it, 2001::/23 holds IETF protocol assignments
        // (Teredo, 2001::/32, among them).
        if ((first16 & 0xE000) != 0x2000 || high >> 41 == 0x2001UL << 7)
        {
            return IpAddressClass.Reserved;
        }

        // 2001:db8::/32 and 3fff::/20: documentation.
        if (high >> 32 == 0x2001_0db8UL || high >> 44 == 0x3fff0UL)
        {
            return IpAddressClass.Reserved;
        }

        return IpAddressClass.Public;
    }
}
