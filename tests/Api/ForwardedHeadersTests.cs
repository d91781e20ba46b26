using System.Net;
using ImageSearch.Api.Hosting;

namespace ImageSearch.Tests.Api;

/// <summary>
/// X-Forwarded-For is believed only from the configured proxies; the rate limit partitions by the client so found,
/// and by /64 network for IPv6 clients.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const string Proxy = "10.0.0.2";

    [Test]
    public async Task Forwarded_for_from_a_peer_that_is_not_a_known_proxy_is_ignored_even_with_the_framework_switch_on()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, as the deployment files once set, believed every peer.
        await using var factory = Limited(3, ("FORWARDEDHEADERS_ENABLED", "true"), ("ImageSearch:ForwardedHeaders:KnownProxies:0", Proxy));
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await StatusAsync(client, "203.0.113.9", $"198.51.100.{i + 1}"));
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429, (HttpStatusCode)429, (HttpStatusCode)429 }));
        Assert.That(factory.Logs, Has.Some.Contains("from 203.0.113.9").And.None.Contains("from 198.51.100."));
    }

    [Test]
    public async Task From_a_known_proxy_the_forwarded_client_is_the_one_rate_limited()
    {
        await using var factory = Limited(3, ("ImageSearch:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/8"));
        using var client = factory.CreateClient();

        for (var i = 0; i < 6; i++)
        {
            Assert.That(await StatusAsync(client, Proxy, $"198.51.100.{i + 1}"), Is.EqualTo(HttpStatusCode.OK), "different clients behind the proxy");
        }

        var same = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            same.Add(await StatusAsync(client, Proxy, "198.51.100.200"));
        }

        Assert.That(same, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429 }));
        Assert.That(factory.Logs, Has.Some.Contains("from 198.51.100.200"));
    }

    [Test]
    public async Task Ipv6_clients_share_the_limit_of_their_64_network()
    {
        await using var factory = Limited(3);
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var peer in new[] { "2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2:abcd::9" })
        {
            statuses.Add(await StatusAsync(client, peer, null));
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429 }));
        Assert.That(await StatusAsync(client, "2001:db8:1:3::1", null), Is.EqualTo(HttpStatusCode.OK), "the next /64 is another client");
    }

    [TestCase("203.0.113.9", "203.0.113.9")]
    [TestCase("::ffff:203.0.113.9", "203.0.113.9")]
    [TestCase("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    public void The_rate_limit_partition_is_the_IPv4_address_or_the_IPv6_64(string address, string partition) =>
        Assert.That(ClientRateLimit.ClientKey(IPAddress.Parse(address)), Is.EqualTo(partition));

    [Test]
    public async Task A_proxy_setting_that_is_not_an_address_stops_the_start_with_a_message()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/33" });

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.CreateClient());

        Assert.That(failure!.Message, Does.Contain("ImageSearch:ForwardedHeaders:KnownNetworks: '10.0.0.0/33'"));
    }

    private static ApiFactory Limited(int permits, params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["ImageSearch:RateLimit:PermitLimit"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ImageSearch:RateLimit:Window"] = "00:01:00",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new ApiFactory(all);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string peer, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/products?page_size=1");
        request.Headers.Add(ApiFactory.TestPeerHeader, peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
