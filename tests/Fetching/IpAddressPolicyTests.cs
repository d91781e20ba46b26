using System.Net;
using ImageSearch.Core.Fetching;

namespace ImageSearch.Tests.Fetching;

public sealed class IpAddressPolicyTests
{
    [TestCase("0.0.0.0", IpAddressClass.Unspecified)]
    [TestCase("0.1.2.3", IpAddressClass.Reserved)]
    [TestCase("0.255.255.255", IpAddressClass.Reserved)]
    [TestCase("127.0.0.1", IpAddressClass.Loopback)]
    [TestCase("127.0.0.2", IpAddressClass.Loopback)]
    [TestCase("127.255.255.254", IpAddressClass.Loopback)]
    [TestCase("10.0.0.1", IpAddressClass.Private)]
    [TestCase("10.255.255.255", IpAddressClass.Private)]
    [TestCase("172.16.0.1", IpAddressClass.Private)]
    [TestCase("172.31.255.255", IpAddressClass.Private)]
    [TestCase("192.168.0.1", IpAddressClass.Private)]
    [TestCase("192.168.255.255", IpAddressClass.Private)]
    [TestCase("169.254.169.254", IpAddressClass.LinkLocal)]
    [TestCase("169.254.0.1", IpAddressClass.LinkLocal)]
    [TestCase("224.0.0.1", IpAddressClass.Multicast)]
    [TestCase("239.255.255.250", IpAddressClass.Multicast)]
    [TestCase("255.255.255.255", IpAddressClass.Broadcast)]
    [TestCase("100.64.0.1", IpAddressClass.Reserved)]
    [TestCase("100.100.100.200", IpAddressClass.Reserved)] // Alibaba Cloud metadata, in the CGNAT range
    [TestCase("100.127.255.255", IpAddressClass.Reserved)]
    [TestCase("192.0.0.1", IpAddressClass.Reserved)]
    [TestCase("192.0.0.170", IpAddressClass.Reserved)]
    [TestCase("192.0.2.1", IpAddressClass.Reserved)]
    [TestCase("192.88.99.1", IpAddressClass.Reserved)]
    [TestCase("198.18.0.1", IpAddressClass.Reserved)]
    [TestCase("198.19.255.255", IpAddressClass.Reserved)]
    [TestCase("198.51.100.7", IpAddressClass.Reserved)]
    [TestCase("203.0.113.9", IpAddressClass.Reserved)]
    [TestCase("240.0.0.1", IpAddressClass.Reserved)]
    [TestCase("255.255.255.254", IpAddressClass.Reserved)]
    public void Special_ipv4_ranges_are_classified(string address, IpAddressClass expected) =>
        Assert.That(IpAddressPolicy.Classify(IPAddress.Parse(address)), Is.EqualTo(expected));

    [TestCase("1.1.1.1")]
    [TestCase("8.8.8.8")]
    [TestCase("9.255.255.255")] // just below 10/8
    [TestCase("11.0.0.0")] // just above 10/8
    [TestCase("100.63.255.255")] // just below CGNAT
    [TestCase("100.128.0.0")] // just above CGNAT
    [TestCase("126.255.255.255")]
    [TestCase("128.0.0.0")]
    [TestCase("169.253.255.255")]
    [TestCase("169.255.0.0")]
    [TestCase("172.15.255.255")] // just below 172.16/12
    [TestCase("172.32.0.0")] // just above 172.16/12
    [TestCase("192.0.1.1")]
    [TestCase("192.0.3.1")]
    [TestCase("192.167.255.255")]
    [TestCase("192.169.0.0")]
    [TestCase("198.17.255.255")]
    [TestCase("198.20.0.0")]
    [TestCase("223.255.255.255")] // just below multicast
    [TestCase("93.184.216.34")]
    public void Public_ipv4_addresses_next_to_the_special_ranges_are_public(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.Multiple(() =>
        {
            Assert.That(IpAddressPolicy.Classify(ip), Is.EqualTo(IpAddressClass.Public));
            Assert.That(IpAddressPolicy.IsAllowed(ip), Is.True);
        });
    }

    [TestCase("::", IpAddressClass.Unspecified)]
    [TestCase("::1", IpAddressClass.Loopback)]
    [TestCase("0:0:0:0:0:0:0:1", IpAddressClass.Loopback)]
    [TestCase("fe80::1", IpAddressClass.LinkLocal)]
    [TestCase("fe80::1%2", IpAddressClass.LinkLocal)]
    [TestCase("febf:ffff::1", IpAddressClass.LinkLocal)]
    [TestCase("fec0::1", IpAddressClass.SiteLocal)]
    [TestCase("feff::1", IpAddressClass.SiteLocal)]
    [TestCase("fc00::1", IpAddressClass.UniqueLocal)]
    [TestCase("fd00:ec2::254", IpAddressClass.UniqueLocal)] // AWS IPv6 instance metadata
    [TestCase("fdff:ffff::1", IpAddressClass.UniqueLocal)]
    [TestCase("ff02::1", IpAddressClass.Multicast)]
    [TestCase("ff05::1:3", IpAddressClass.Multicast)]
    [TestCase("::ffff:127.0.0.1", IpAddressClass.Loopback)] // IPv4-mapped: judged by the IPv4 address
    [TestCase("::ffff:7f00:1", IpAddressClass.Loopback)]
    [TestCase("::ffff:10.1.2.3", IpAddressClass.Private)]
    [TestCase("::ffff:169.254.169.254", IpAddressClass.LinkLocal)]
    [TestCase("::ffff:0.0.0.0", IpAddressClass.Unspecified)]
    [TestCase("::127.0.0.1", IpAddressClass.Reserved)] // IPv4-compatible (deprecated): refused outright
    [TestCase("::8.8.8.8", IpAddressClass.Reserved)]
    [TestCase("::ffff:0:8.8.8.8", IpAddressClass.Reserved)] // IPv4-translated (SIIT)
    [TestCase("64:ff9b::127.0.0.1", IpAddressClass.Loopback)] // NAT64: judged by the IPv4 address
    [TestCase("64:ff9b::a9fe:a9fe", IpAddressClass.LinkLocal)]
    [TestCase("64:ff9b::10.0.0.1", IpAddressClass.Private)]
    [TestCase("64:ff9b:1::1", IpAddressClass.Reserved)] // local-use NAT64 prefix
    [TestCase("2002:7f00:1::", IpAddressClass.Loopback)] // 6to4 of 127.0.0.1
    [TestCase("2002:a9fe:a9fe::1", IpAddressClass.LinkLocal)] // 6to4 of 169.254.169.254
    [TestCase("2002:c0a8:101::", IpAddressClass.Private)] // 6to4 of 192.168.1.1
    [TestCase("2002:0:0::", IpAddressClass.Unspecified)]
    [TestCase("2001::1", IpAddressClass.Reserved)] // Teredo
    [TestCase("2001:0:4136:e378:8000:63bf:3fff:fdd2", IpAddressClass.Reserved)]
    [TestCase("2001:2::1", IpAddressClass.Reserved)] // benchmarking
    [TestCase("2001:10::1", IpAddressClass.Reserved)] // ORCHID
    [TestCase("2001:db8::1", IpAddressClass.Reserved)] // documentation
    [TestCase("3fff::1", IpAddressClass.Reserved)] // documentation (RFC 9637)
    [TestCase("100::1", IpAddressClass.Reserved)] // discard-only
    [TestCase("::2", IpAddressClass.Reserved)]
    [TestCase("4000::1", IpAddressClass.Reserved)] // outside 2000::/3
    [TestCase("5f00::1", IpAddressClass.Reserved)]
    [TestCase("e000::1", IpAddressClass.Reserved)]
    public void Special_ipv6_ranges_are_classified(string address, IpAddressClass expected) =>
        Assert.That(IpAddressPolicy.Classify(IPAddress.Parse(address)), Is.EqualTo(expected));

    [TestCase("2001:4860:4860::8888")]
    [TestCase("2606:4700:4700::1111")]
    [TestCase("2001:200::1")] // just past 2001::/23
    [TestCase("2001:db9::1")]
    [TestCase("2002:808:808::1")] // 6to4 of 8.8.8.8
    [TestCase("64:ff9b::8.8.8.8")] // NAT64 of 8.8.8.8
    [TestCase("::ffff:8.8.8.8")] // IPv4-mapped 8.8.8.8
    [TestCase("3ffe::1")]
    [TestCase("3fff:1000::1")] // just past 3fff::/20
    public void Public_ipv6_addresses_are_public(string address) =>
        Assert.That(IpAddressPolicy.Classify(IPAddress.Parse(address)), Is.EqualTo(IpAddressClass.Public));

    [TestCase("127.0.0.1", true)]
    [TestCase("127.0.0.2", true)]
    [TestCase("::1", true)]
    [TestCase("::ffff:127.0.0.1", true)]
    [TestCase("2002:7f00:1::", false)] // 6to4 of a loopback address is not a loopback address
    [TestCase("64:ff9b::127.0.0.1", false)]
    [TestCase("0.0.0.0", false)]
    [TestCase("::", false)]
    [TestCase("10.0.0.1", false)]
    [TestCase("169.254.169.254", false)]
    [TestCase("192.168.1.1", false)]
    [TestCase("fe80::1", false)]
    [TestCase("fd00::1", false)]
    [TestCase("8.8.8.8", true)]
    public void The_test_loopback_allowance_admits_loopback_and_nothing_else_private(string address, bool allowed)
    {
        var ip = IPAddress.Parse(address);
        Assert.Multiple(() =>
        {
            Assert.That(IpAddressPolicy.IsAllowed(ip, allowLoopback: true), Is.EqualTo(allowed));
            Assert.That(IpAddressPolicy.IsAllowed(ip, allowLoopback: false), Is.EqualTo(IpAddressPolicy.Classify(ip) == IpAddressClass.Public));
        });
    }

    [Test]
    public void Ipv4_mapped_addresses_normalise_to_ipv4() => Assert.Multiple(() =>
    {
        Assert.That(IpAddressPolicy.Normalize(IPAddress.Parse("::ffff:127.0.0.1")), Is.EqualTo(IPAddress.Loopback));
        Assert.That(IpAddressPolicy.Normalize(IPAddress.Parse("2001:4860::1")), Is.EqualTo(IPAddress.Parse("2001:4860::1")));
    });

    [Test]
    public void Every_ipv4_slash8_is_classified_without_error()
    {
        for (var first = 0; first < 256; first++)
        {
            var ip = new IPAddress([(byte)first, 1, 2, 3]);
            var cls = IpAddressPolicy.Classify(ip);
            var mapped = IpAddressPolicy.Classify(ip.MapToIPv6());
            Assert.That(mapped, Is.EqualTo(cls), ip.ToString());
        }
    }
}
