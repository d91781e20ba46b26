using ImageSearch.Core.Fetching;
using static ImageSearch.Tests.Fetching.FetchTestKit;

namespace ImageSearch.Tests.Fetching;

/// <summary>Which URLs may be fetched at all. Nothing here contacts anything but the tests' own loopback servers.</summary>
public sealed class UrlRuleTests
{
    private static readonly string[] NumericLoopbackForms = ["http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://127.1/"];
    private static readonly int[] DefaultPorts = [80, 443];

    [TestCase("file:///etc/passwd")]
    [TestCase("ftp://public.test/a.jpg")]
    [TestCase("gopher://127.0.0.1:70/_GET")]
    [TestCase("data:image/png;base64,iVBORw0KGgo=")]
    [TestCase("ldap://public.test/")]
    [TestCase("ws://public.test/")]
    [TestCase("dict://127.0.0.1:11211/stats")]
    public async Task Non_http_schemes_are_refused(string url)
    {
        var resolver = new FakeHostResolver().Map("public.test", "8.8.8.8");
        using var fetcher = new SafeImageFetcher(StrictOptions(), resolver: resolver);
        var e = await FailsAsync(fetcher, url);
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
            Assert.That(e.Message, Does.Contain("http and https"));
            Assert.That(resolver.Lookups, Is.Empty);
        });
    }

    [TestCase("http://public.test:22/a.jpg")]
    [TestCase("http://public.test:6379/")]
    [TestCase("https://public.test:8443/a.jpg")]
    [TestCase("http://public.test:0/")]
    public async Task Disallowed_ports_are_refused(string url)
    {
        var resolver = new FakeHostResolver().Map("public.test", "8.8.8.8");
        using var fetcher = new SafeImageFetcher(StrictOptions(), resolver: resolver);
        var e = await FailsAsync(fetcher, url);
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
            Assert.That(e.Message, Does.Contain("port"));
            Assert.That(resolver.Lookups, Is.Empty);
        });
    }

    [Test]
    public async Task A_port_outside_AllowedPorts_is_refused_even_on_an_allowed_address()
    {
        await using var server = LoopbackHttpServer.Serving(Image);
        var options = LoopbackOptions();
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, server.Url("/a.jpg"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
            Assert.That(server.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task The_schemes_default_ports_and_AllowedPorts_are_the_only_ports()
    {
        // https on 80 and http on 443 are allowed (both in the default AllowedPorts); the scheme default always is.
        await using var server = LoopbackHttpServer.Serving(Image);
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var image = await fetcher.FetchAsync(server.Url("/a.jpg"), CancellationToken.None);
        Assert.That(image.Content.ToArray(), Is.EqualTo(Image));
    }

    [TestCase("http://user:secret@127.0.0.1:{port}/a.jpg")]
    [TestCase("http://user@127.0.0.1:{port}/a.jpg")]
    [TestCase("http://:@127.0.0.1:{port}/a.jpg")]
    [TestCase("http://public.test@127.0.0.1:{port}/a.jpg")]
    public async Task Userinfo_is_refused(string url)
    {
        await using var server = LoopbackHttpServer.Serving(Image);
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, url.Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
            Assert.That(e.Message, Does.Contain("user info").And.Not.Contain("secret"));
            Assert.That(server.Requests, Is.Empty);
        });
    }

    /// <summary>Every spelling of a loopback or unspecified address that URL parsers accept.</summary>
    [TestCase("http://127.0.0.1/")]
    [TestCase("https://127.0.0.1/")]
    [TestCase("http://127.0.0.1:443/")]
    [TestCase("http://127.0.0.1./")]
    [TestCase("http://127.255.255.254/")]
    [TestCase("http://2130706433/")] // decimal
    [TestCase("http://0177.0.0.1/")] // octal
    [TestCase("http://0177.0.0.01/")]
    [TestCase("http://017700000001/")] // octal, one part
    [TestCase("http://0x7f.0.0.1/")] // hex
    [TestCase("http://0x7F000001/")] // hex, one part
    [TestCase("http://0x7f.1/")]
    [TestCase("http://127.1/")] // short forms
    [TestCase("http://127.0.1/")]
    [TestCase("http://0177.1/")]
    [TestCase("http://[::1]/")]
    [TestCase("http://[0:0:0:0:0:0:0:1]/")]
    [TestCase("http://[::ffff:127.0.0.1]/")]
    [TestCase("http://[::ffff:7f00:1]/")]
    [TestCase("http://[0:0:0:0:0:ffff:127.0.0.1]/")]
    [TestCase("http://0/")] // 0.0.0.0: Linux connects it to the local host
    [TestCase("http://0.0.0.0/")]
    [TestCase("http://[::]/")]
    public async Task Loopback_address_literals_are_refused_without_dns(string url)
    {
        var resolver = new FakeHostResolver();
        using var fetcher = new SafeImageFetcher(StrictOptions(), resolver: resolver);
        var e = await FailsAsync(fetcher, url);
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed), e.Message);
            Assert.That(resolver.Lookups, Is.Empty, "an address literal must not go to DNS");
        });
    }

    [TestCase("http://localhost/")]
    [TestCase("http://LOCALHOST/")]
    [TestCase("http://localhost./")]
    [TestCase("http://img.localhost/")]
    public async Task Localhost_names_are_refused(string url)
    {
        // Even a resolver that would answer something public is not asked.
        var resolver = new FakeHostResolver().Map("localhost", "8.8.8.8").Map("img.localhost", "8.8.8.8");
        using var fetcher = new SafeImageFetcher(StrictOptions(), resolver: resolver);
        var e = await FailsAsync(fetcher, url);
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
            Assert.That(resolver.Lookups, Is.Empty);
        });
    }

    [Test]
    public async Task Loopback_is_refused_without_the_test_allowance_even_where_a_server_listens()
    {
        await using var server = LoopbackHttpServer.Serving(Image);
        var options = LoopbackOptions(server.Port);
        options.AllowLoopback = false;
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver().Map("images.test", "127.0.0.1"));
        var literal = await FailsAsync(fetcher, server.Url("/a.jpg"));
        var named = await FailsAsync(fetcher, $"http://images.test:{server.Port}/a.jpg");
        var localhost = await FailsAsync(fetcher, $"http://localhost:{server.Port}/a.jpg");
        var v6 = await FailsAsync(fetcher, $"http://[::ffff:127.0.0.1]:{server.Port}/a.jpg");
        Assert.Multiple(() =>
        {
            Assert.That(
                new[] { literal.Error, named.Error, localhost.Error, v6.Error },
                Is.All.EqualTo(ImageFetchError.UrlNotAllowed));
            Assert.That(server.Requests, Is.Empty);
        });
    }

    [TestCase("10.0.0.1")]
    [TestCase("172.16.5.4")]
    [TestCase("192.168.1.1")]
    [TestCase("169.254.169.254")] // cloud metadata
    [TestCase("100.100.100.200")] // Alibaba metadata (CGNAT range)
    [TestCase("127.0.0.1")]
    [TestCase("0.0.0.0")]
    [TestCase("224.0.0.1")]
    [TestCase("255.255.255.255")]
    [TestCase("192.0.2.10")]
    [TestCase("::1")]
    [TestCase("fe80::1")]
    [TestCase("fd00:ec2::254")] // AWS IPv6 metadata
    [TestCase("fec0::1")]
    [TestCase("::ffff:10.0.0.1")]
    [TestCase("64:ff9b::a9fe:a9fe")]
    [TestCase("2002:a9fe:a9fe::1")]
    [TestCase("2001::1")]
    public async Task A_host_name_resolving_to_a_forbidden_address_is_refused(string address)
    {
        var resolver = new FakeHostResolver().Map("internal.test", address);
        using var fetcher = new SafeImageFetcher(StrictOptions(), resolver: resolver);
        var e = await FailsAsync(fetcher, "http://internal.test/latest/meta-data/");
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
            Assert.That(e.Message, Does.Not.Contain(address), "the message must not reveal internal addresses");
            Assert.That(resolver.Lookups, Has.Count.EqualTo(1).And.All.EqualTo("internal.test"));
        });
    }

    [TestCase("http://10.0.0.1/")]
    [TestCase("http://172.31.0.1/")]
    [TestCase("http://192.168.0.1/")]
    [TestCase("http://169.254.169.254/latest/meta-data/")]
    [TestCase("http://2852039166/")] // 169.254.169.254, decimal
    [TestCase("http://0xa9fea9fe/")] // 169.254.169.254, hex
    [TestCase("http://0251.0376.0251.0376/")] // 169.254.169.254, octal
    [TestCase("http://10.1/")] // 10.0.0.1, short
    [TestCase("http://100.64.0.1/")]
    [TestCase("http://[fe80::1]/")]
    [TestCase("http://[fd00:ec2::254]/")]
    [TestCase("http://[::ffff:169.254.169.254]/")]
    [TestCase("http://[64:ff9b::a9fe:a9fe]/")]
    [TestCase("http://[2002:a9fe:a9fe::]/")]
    [TestCase("http://[ff02::1]/")]
    public async Task Forbidden_address_literals_are_refused(string url)
    {
        var resolver = new FakeHostResolver();
        using var fetcher = new SafeImageFetcher(StrictOptions(), resolver: resolver);
        var e = await FailsAsync(fetcher, url);
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed), e.Message);
            Assert.That(resolver.Lookups, Is.Empty);
        });
    }

    [TestCase("8.8.8.8", "10.0.0.1")]
    [TestCase("10.0.0.1", "8.8.8.8")]
    [TestCase("2001:4860:4860::8888", "fd00::1")]
    [TestCase("8.8.8.8", "169.254.169.254")]
    public async Task A_host_with_one_public_and_one_private_address_is_refused(string first, string second)
    {
        var resolver = new FakeHostResolver().Map("mixed.test", first, second);
        using var fetcher = new SafeImageFetcher(StrictOptions(), resolver: resolver);
        var e = await FailsAsync(fetcher, "http://mixed.test/a.jpg");
        Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
    }

    [Test]
    public async Task A_host_with_one_allowed_and_one_private_address_contacts_nothing()
    {
        // Under the test allowance 127.0.0.1 stands in for a public address: the server must see no request.
        await using var server = LoopbackHttpServer.Serving(Image);
        var resolver = new FakeHostResolver().Map("mixed.test", "127.0.0.1", "10.0.0.1");
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: resolver);
        var e = await FailsAsync(fetcher, $"http://mixed.test:{server.Port}/a.jpg");
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
            Assert.That(server.Requests, Is.Empty);
        });
    }

    [TestCase("http://10.0.0.1/")]
    [TestCase("http://169.254.169.254/")]
    [TestCase("http://[::ffff:192.168.0.1]/")]
    [TestCase("http://[fe80::1]/")]
    [TestCase("http://[2002:7f00:1::]/")] // 6to4 of 127.0.0.1 is not loopback
    [TestCase("http://private.test/")]
    public async Task The_test_loopback_allowance_admits_nothing_else_private(string url)
    {
        var resolver = new FakeHostResolver().Map("private.test", "192.168.1.20");
        using var fetcher = new SafeImageFetcher(LoopbackOptions(), resolver: resolver);
        var e = await FailsAsync(fetcher, url);
        Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
    }

    [Test]
    public async Task A_host_that_does_not_resolve_is_an_upstream_error()
    {
        using var fetcher = new SafeImageFetcher(StrictOptions(), resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, "http://nowhere.test/a.jpg?token=hunter2");
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
            Assert.That(e.Message, Does.Contain("http://nowhere.test/a.jpg").And.Not.Contain("hunter2"));
        });
    }

    [Test]
    public async Task A_resolver_answering_nothing_is_an_upstream_error()
    {
        using var fetcher = new SafeImageFetcher(StrictOptions(), resolver: new FakeHostResolver().Map("empty.test"));
        var e = await FailsAsync(fetcher, "http://empty.test/a.jpg");
        Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
    }

    [Test]
    public void The_dotnet_uri_parser_canonicalises_numeric_ipv4_forms()
    {
        // Documents what the fetcher relies on less than it might: it parses the host itself as well.
        Assert.Multiple(() =>
        {
            foreach (var url in NumericLoopbackForms)
            {
                var uri = new Uri(url);
                Assert.That(uri.HostNameType, Is.EqualTo(UriHostNameType.IPv4), url);
                Assert.That(uri.Host, Is.EqualTo("127.0.0.1"), url);
            }
        });
    }

    [Test]
    public void Options_out_of_range_are_rejected_when_the_fetcher_is_made()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SafeImageFetcher(new ImageFetcherOptions { MaxBytes = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SafeImageFetcher(new ImageFetcherOptions { Retries = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SafeImageFetcher(new ImageFetcherOptions { CircuitBreakAfter = 1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SafeImageFetcher(new ImageFetcherOptions { AllowedPorts = [70000] }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SafeImageFetcher(new ImageFetcherOptions { Timeout = TimeSpan.Zero }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void The_defaults_are_the_documented_ones()
    {
        var o = new ImageFetcherOptions();
        Assert.Multiple(() =>
        {
            Assert.That(o.MaxBytes, Is.EqualTo(10 * 1024 * 1024));
            Assert.That(o.Timeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(o.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(o.MaxRedirects, Is.EqualTo(3));
            Assert.That(o.AllowedPorts, Is.EqualTo(DefaultPorts));
            Assert.That(o.Retries, Is.EqualTo(2));
            Assert.That(o.CircuitBreakAfter, Is.EqualTo(5));
            Assert.That(o.CircuitBreakDuration, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(o.AllowLoopback, Is.False);
            Assert.That(ImageFetcherOptions.SectionName, Is.EqualTo("Fetching"));
        });
    }
}
