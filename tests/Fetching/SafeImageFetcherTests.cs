using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ImageSearch.Core.Fetching;
using ImageSearch.Tests.Inference;
using static ImageSearch.Tests.Fetching.FetchTestKit;

namespace ImageSearch.Tests.Fetching;

/// <summary>How the fetcher talks to servers: every test runs its own server on loopback under the test allowance.</summary>
public sealed class SafeImageFetcherTests
{
    private static readonly string[] FourRedirects = ["/r4", "/r3", "/r2", "/r1"];

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Test]
    public async Task An_image_is_fetched_with_its_declared_type_and_final_url()
    {
        await using var server = LoopbackHttpServer.Serving(Image, "image/webp");
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var image = await fetcher.FetchAsync(server.Url("/products/1.jpg?size=large"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(image.Content.ToArray(), Is.EqualTo(Image));
            Assert.That(image.ContentType, Is.EqualTo("image/webp"));
            Assert.That(image.FinalUrl, Is.EqualTo(server.Url("/products/1.jpg?size=large")));
            Assert.That(server.Requests.Single().Target, Is.EqualTo("/products/1.jpg?size=large"));
            Assert.That(server.Requests.Single().Headers["User-Agent"], Is.EqualTo(new ImageFetcherOptions().UserAgent));
        });
    }

    [Test]
    public async Task A_host_name_is_fetched_from_its_vetted_address_with_the_original_host_header()
    {
        await using var server = LoopbackHttpServer.Serving(Image);
        var resolver = new FakeHostResolver().Map("images.test", "127.0.0.1");
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: resolver);
        var image = await fetcher.FetchAsync(new Uri($"http://images.test:{server.Port}/a.jpg"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(image.Content.ToArray(), Is.EqualTo(Image));
            Assert.That(server.Requests.Single().Headers["Host"], Is.EqualTo($"images.test:{server.Port}"));
            Assert.That(resolver.Lookups, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Dns_rebinding_cannot_move_the_connection_away_from_the_vetted_address()
    {
        // images.test resolves to 127.0.0.1 the first time and 127.0.0.2 afterwards. A fetcher that resolved again
        // when connecting would reach the second server; this one connects to what it vetted.
        await using var vetted = new LoopbackHttpServer((_, s, ct) => LoopbackHttpServer.RespondAsync(s, 200, "vetted"u8.ToArray(), ct));
        await using var rebound = new LoopbackHttpServer(
            (_, s, ct) => LoopbackHttpServer.RespondAsync(s, 200, "rebound"u8.ToArray(), ct), IPAddress.Parse("127.0.0.2"), vetted.Port);
        var resolver = new FakeHostResolver().MapSequence("images.test", ["127.0.0.1"], ["127.0.0.2"]);
        using var fetcher = new SafeImageFetcher(LoopbackOptions(vetted.Port), resolver: resolver);
        var url = new Uri($"http://images.test:{vetted.Port}/a.jpg");

        var first = await fetcher.FetchAsync(url, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.ASCII.GetString(first.Content.Span), Is.EqualTo("vetted"));
            Assert.That(resolver.Lookups, Has.Count.EqualTo(1), "resolved once per fetch, never at connect time");
            Assert.That(rebound.Requests, Is.Empty);
            Assert.That(vetted.Requests.Single().LocalEndPoint.Address, Is.EqualTo(IPAddress.Loopback));
        });

        // The next fetch vets afresh and connects to the address vetted for it.
        var second = await fetcher.FetchAsync(url, CancellationToken.None);
        Assert.That(Encoding.ASCII.GetString(second.Content.Span), Is.EqualTo("rebound"));
    }

    [Test]
    public async Task A_host_that_rebinds_to_a_forbidden_address_is_refused_on_the_next_fetch()
    {
        // 127.0.0.1 (allowed under the test allowance) stands in for a public address, then the name rebinds to the metadata address.
        await using var server = LoopbackHttpServer.Serving(Image);
        var resolver = new FakeHostResolver().MapSequence("cdn.test", ["127.0.0.1"], ["169.254.169.254"]);
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: resolver);
        var url = new Uri($"http://cdn.test:{server.Port}/a.jpg");
        await fetcher.FetchAsync(url, CancellationToken.None);
        var e = await FailsAsync(fetcher, url);
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed));
            Assert.That(server.Requests, Has.Count.EqualTo(1));
        });
    }

    [TestCase("http://169.254.169.254/latest/meta-data/")]
    [TestCase("http://10.0.0.1/")]
    [TestCase("http://[fd00:ec2::254]/")]
    [TestCase("//192.168.0.1/x")] // scheme-relative
    [TestCase("http://internal.test/")] // resolves to 172.16.0.5
    [TestCase("file:///etc/passwd")]
    [TestCase("gopher://127.0.0.1:{port}/_x")]
    [TestCase("http://127.0.0.1:1/")] // port not allowed
    [TestCase("http://user:pw@127.0.0.1:{port}/img")]
    public async Task Redirect_to_a_forbidden_url_is_refused(string location)
    {
        await using var server = new LoopbackHttpServer((r, s, ct) => r.Target == "/img"
            ? LoopbackHttpServer.RespondAsync(s, 200, Image, ct)
            : LoopbackHttpServer.RedirectAsync(s, location.Replace("{port}", Str(r.LocalEndPoint.Port), StringComparison.Ordinal), ct));
        var resolver = new FakeHostResolver().Map("internal.test", "172.16.0.5");
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: resolver);
        var e = await FailsAsync(fetcher, server.Url("/start"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UrlNotAllowed), e.Message);
            Assert.That(server.Requests, Has.Count.EqualTo(1), "policy refusals are not retried");
        });
    }

    [TestCase(301)]
    [TestCase(302)]
    [TestCase(303)]
    [TestCase(307)]
    [TestCase(308)]
    public async Task Each_redirect_status_is_followed(int status)
    {
        await using var server = new LoopbackHttpServer((r, s, ct) => r.Target == "/img"
            ? LoopbackHttpServer.RespondAsync(s, 200, Image, ct)
            : LoopbackHttpServer.RedirectAsync(s, "/img", ct, status));
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var image = await fetcher.FetchAsync(server.Url("/start"), CancellationToken.None);
        Assert.That(image.FinalUrl, Is.EqualTo(server.Url("/img")));
    }

    [Test]
    public async Task Three_redirects_are_followed_and_a_fourth_is_refused()
    {
        // /r3 -> /r2 -> /r1 -> /r0 (the image); /r4 needs four.
        await using var server = new LoopbackHttpServer((r, s, ct) => r.Target == "/r0"
            ? LoopbackHttpServer.RespondAsync(s, 200, Image, ct)
            : LoopbackHttpServer.RedirectAsync(s, $"/r{int.Parse(r.Target.AsSpan(2), CultureInfo.InvariantCulture) - 1}", ct));
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var image = await fetcher.FetchAsync(server.Url("/r3"), CancellationToken.None);
        var e = await FailsAsync(fetcher, server.Url("/r4"));
        Assert.Multiple(() =>
        {
            Assert.That(image.FinalUrl, Is.EqualTo(server.Url("/r0")));
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
            Assert.That(e.Message, Does.Contain("redirected more than 3 times"));
            Assert.That(server.Requests.Skip(4).Select(r => r.Target), Is.EqualTo(FourRedirects), "the fourth redirect is not followed");
        });
    }

    [Test]
    public async Task Relative_redirects_are_resolved_against_the_current_url()
    {
        await using var server = new LoopbackHttpServer((r, s, ct) => r.Target switch
        {
            "/shop/item/1" => LoopbackHttpServer.RedirectAsync(s, "photo", ct), // -> /shop/item/photo
            "/shop/item/photo" => LoopbackHttpServer.RedirectAsync(s, "../../img/p.jpg?v=2", ct), // -> /img/p.jpg?v=2
            "/img/p.jpg?v=2" => LoopbackHttpServer.RespondAsync(s, 200, Image, ct),
            _ => LoopbackHttpServer.RespondAsync(s, 404, [], ct),
        });
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var image = await fetcher.FetchAsync(server.Url("/shop/item/1"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(image.FinalUrl, Is.EqualTo(server.Url("/img/p.jpg?v=2")));
            Assert.That(image.Content.ToArray(), Is.EqualTo(Image));
        });
    }

    [Test]
    public async Task A_redirect_without_location_is_an_upstream_error()
    {
        await using var server = new LoopbackHttpServer((_, s, ct) => LoopbackHttpServer.RespondAsync(s, 302, [], ct));
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, server.Url("/a"));
        Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
    }

    [Test]
    public async Task A_content_length_over_the_cap_is_refused_before_reading_the_body()
    {
        // The server declares one byte too many and then sends nothing: reading would hang until the timeout.
        await using var server = new LoopbackHttpServer(async (_, s, ct) =>
        {
            await LoopbackHttpServer.WriteHeadAsync(s, 200, ct, ("Content-Length", "1001"));
            await Task.Delay(Timeout.Infinite, ct);
        });
        var options = LoopbackOptions(server.Port);
        options.MaxBytes = 1000;
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        var clock = Stopwatch.StartNew();
        var e = await FailsAsync(fetcher, server.Url("/big.jpg"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.TooLarge));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task An_endless_body_without_content_length_is_cut_at_the_cap(bool chunked)
    {
        // No Content-Length: chunked, or delimited by closing the connection. The server would never stop.
        var chunk = new byte[700];
        await using var server = new LoopbackHttpServer(async (_, s, ct) =>
        {
            if (chunked)
            {
                await LoopbackHttpServer.WriteHeadAsync(s, 200, ct, ("Transfer-Encoding", "chunked"));
                byte[] framed = [.. "2bc\r\n"u8, .. chunk, .. "\r\n"u8];
                while (true)
                {
                    await s.WriteAsync(framed, ct);
                }
            }

            await LoopbackHttpServer.WriteHeadAsync(s, 200, ct);
            while (true)
            {
                await s.WriteAsync(chunk, ct);
            }
        });
        var options = LoopbackOptions(server.Port);
        options.MaxBytes = 10_000;
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, server.Url("/endless"));
        Assert.That(e.Error, Is.EqualTo(ImageFetchError.TooLarge));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_body_one_byte_over_the_cap_is_refused_and_one_at_the_cap_is_accepted(bool chunked)
    {
        await using var server = new LoopbackHttpServer(async (r, s, ct) =>
        {
            var body = new byte[r.Target == "/over" ? 1001 : 1000];
            if (!chunked)
            {
                await LoopbackHttpServer.WriteHeadAsync(s, 200, ct); // close-delimited
                await s.WriteAsync(body, ct);
                return;
            }

            await LoopbackHttpServer.WriteHeadAsync(s, 200, ct, ("Transfer-Encoding", "chunked"));
            foreach (var part in body.Chunk(300))
            {
                await s.WriteAsync(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"), ct);
                await s.WriteAsync(part, ct);
                await s.WriteAsync("\r\n"u8.ToArray(), ct);
            }

            await s.WriteAsync("0\r\n\r\n"u8.ToArray(), ct);
        });
        var options = LoopbackOptions(server.Port);
        options.MaxBytes = 1000;
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        var atCap = await fetcher.FetchAsync(server.Url("/at"), CancellationToken.None);
        var over = await FailsAsync(fetcher, server.Url("/over"));
        Assert.Multiple(() =>
        {
            Assert.That(atCap.Content.Length, Is.EqualTo(1000));
            Assert.That(over.Error, Is.EqualTo(ImageFetchError.TooLarge));
        });
    }

    [Test]
    public async Task A_content_length_under_the_cap_bounds_what_is_read_even_if_the_server_sends_more()
    {
        await using var server = new LoopbackHttpServer(async (_, s, ct) =>
        {
            await LoopbackHttpServer.WriteHeadAsync(s, 200, ct, ("Content-Length", "500"));
            await s.WriteAsync(new byte[5000], ct);
        });
        var options = LoopbackOptions(server.Port);
        options.MaxBytes = 1000;
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        var image = await fetcher.FetchAsync(server.Url("/liar"), CancellationToken.None);
        Assert.That(image.Content.Length, Is.EqualTo(500));
    }

    [Test]
    public async Task A_body_shorter_than_its_content_length_is_an_upstream_error()
    {
        await using var server = new LoopbackHttpServer(async (_, s, ct) =>
        {
            await LoopbackHttpServer.WriteHeadAsync(s, 200, ct, ("Content-Length", "900"));
            await s.WriteAsync(new byte[100], ct);
        });
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, server.Url("/short"));
        Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
    }

    [Test]
    public async Task A_server_that_never_answers_times_out_within_the_configured_time()
    {
        await using var server = new LoopbackHttpServer((_, _, ct) => Task.Delay(Timeout.Infinite, ct));
        var options = LoopbackOptions(server.Port);
        options.Timeout = TimeSpan.FromMilliseconds(400);
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        var clock = Stopwatch.StartNew();
        var e = await FailsAsync(fetcher, server.Url("/slow?token=hunter2"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.Timeout));
            Assert.That(clock.Elapsed, Is.InRange(TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(2)));
            Assert.That(e.ToString(), Does.Not.Contain("hunter2"));
        });
    }

    [Test]
    public async Task A_body_that_trickles_times_out()
    {
        await using var server = new LoopbackHttpServer(async (_, s, ct) =>
        {
            await LoopbackHttpServer.WriteHeadAsync(s, 200, ct, ("Content-Length", "1000"));
            for (var i = 0; i < 1000; i++)
            {
                await s.WriteAsync(new byte[1], ct);
                await Task.Delay(50, ct);
            }
        });
        var options = LoopbackOptions(server.Port);
        options.Timeout = TimeSpan.FromMilliseconds(400);
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        var clock = Stopwatch.StartNew();
        var e = await FailsAsync(fetcher, server.Url("/trickle"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.Timeout));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        });
    }

    [Test]
    public async Task The_timeout_covers_redirects_and_retries_together()
    {
        // Each hop takes 150 ms: four of them cannot fit in 400 ms even though each alone would.
        await using var server = new LoopbackHttpServer(async (r, s, ct) =>
        {
            await Task.Delay(150, ct);
            await (r.Target == "/r0"
                ? LoopbackHttpServer.RespondAsync(s, 200, Image, ct)
                : LoopbackHttpServer.RedirectAsync(s, $"/r{int.Parse(r.Target.AsSpan(2), CultureInfo.InvariantCulture) - 1}", ct));
        });
        var options = LoopbackOptions(server.Port);
        options.Timeout = TimeSpan.FromMilliseconds(400);
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, server.Url("/r3"));
        Assert.That(e.Error, Is.EqualTo(ImageFetchError.Timeout));
    }

    [Test]
    public async Task The_callers_cancellation_is_not_reported_as_a_timeout()
    {
        await using var server = new LoopbackHttpServer((_, _, ct) => Task.Delay(Timeout.Infinite, ct));
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.That(
            async () => await fetcher.FetchAsync(server.Url("/slow"), cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(504)]
    [TestCase(408)]
    [TestCase(429)]
    public async Task A_transient_status_then_200_is_retried_and_succeeds(int status)
    {
        var calls = 0;
        await using var server = new LoopbackHttpServer((_, s, ct) => Interlocked.Increment(ref calls) == 1
            ? LoopbackHttpServer.RespondAsync(s, status, "busy"u8.ToArray(), ct)
            : LoopbackHttpServer.RespondAsync(s, 200, Image, ct));
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var image = await fetcher.FetchAsync(server.Url("/flaky"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(image.Content.ToArray(), Is.EqualTo(Image));
            Assert.That(server.Requests, Has.Count.EqualTo(2));
        });
    }

    [TestCase(400)]
    [TestCase(401)]
    [TestCase(403)]
    [TestCase(404)]
    [TestCase(410)]
    public async Task A_client_error_is_not_retried(int status)
    {
        await using var server = new LoopbackHttpServer((_, s, ct) => LoopbackHttpServer.RespondAsync(s, status, [], ct));
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, server.Url("/missing.jpg"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
            Assert.That(e.Message, Does.Contain(Str(status)));
            Assert.That(server.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task A_persistent_503_fails_after_the_configured_retries()
    {
        await using var server = new LoopbackHttpServer((_, s, ct) => LoopbackHttpServer.RespondAsync(s, 503, [], ct));
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, server.Url("/down"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
            Assert.That(e.Message, Does.Contain("503"));
            Assert.That(server.Requests, Has.Count.EqualTo(3), "one try and two retries");
        });
    }

    [Test]
    public async Task A_refused_connection_is_an_upstream_error()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var fetcher = new SafeImageFetcher(LoopbackOptions(port), resolver: new FakeHostResolver());
        var e = await FailsAsync(fetcher, $"http://127.0.0.1:{port}/a.jpg");
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
            Assert.That(e.InnerException, Is.InstanceOf<HttpRequestException>());
        });
    }

    [Test]
    public async Task The_circuit_opens_after_repeated_failures_and_stops_contacting_the_host()
    {
        await using var server = new LoopbackHttpServer((_, s, ct) => LoopbackHttpServer.RespondAsync(s, 500, [], ct));
        var options = LoopbackOptions(server.Port);
        options.Retries = 0;
        options.CircuitBreakAfter = 5;
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        for (var i = 0; i < 5; i++)
        {
            var failure = await FailsAsync(fetcher, server.Url("/a.jpg"));
            Assert.That(failure.Message, Does.Contain("500"));
        }

        var e = await FailsAsync(fetcher, server.Url("/a.jpg"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Error, Is.EqualTo(ImageFetchError.UpstreamError));
            Assert.That(e.Message, Does.Contain("failed repeatedly"));
            Assert.That(server.Requests, Has.Count.EqualTo(5), "the sixth call never reached the server");
        });
    }

    [Test]
    public async Task Retries_count_towards_the_circuit()
    {
        await using var server = new LoopbackHttpServer((_, s, ct) => LoopbackHttpServer.RespondAsync(s, 502, [], ct));
        var options = LoopbackOptions(server.Port);
        options.Retries = 2;
        options.CircuitBreakAfter = 3;
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        await FailsAsync(fetcher, server.Url("/a.jpg"));
        var e = await FailsAsync(fetcher, server.Url("/a.jpg"));
        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Does.Contain("failed repeatedly"));
            Assert.That(server.Requests, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Client_errors_do_not_open_the_circuit()
    {
        await using var server = new LoopbackHttpServer((_, s, ct) => LoopbackHttpServer.RespondAsync(s, 404, [], ct));
        var options = LoopbackOptions(server.Port);
        options.CircuitBreakAfter = 2;
        using var fetcher = new SafeImageFetcher(options, resolver: new FakeHostResolver());
        for (var i = 0; i < 6; i++)
        {
            await FailsAsync(fetcher, server.Url("/a.jpg"));
        }

        Assert.That(server.Requests, Has.Count.EqualTo(6));
    }

    [Test]
    public async Task The_circuit_is_per_host()
    {
        await using var server = new LoopbackHttpServer((r, s, ct) => r.Headers["Host"].StartsWith("bad.test", StringComparison.Ordinal)
            ? LoopbackHttpServer.RespondAsync(s, 500, [], ct)
            : LoopbackHttpServer.RespondAsync(s, 200, Image, ct));
        var options = LoopbackOptions(server.Port);
        options.Retries = 0;
        options.CircuitBreakAfter = 2;
        var resolver = new FakeHostResolver().Map("bad.test", "127.0.0.1").Map("good.test", "127.0.0.1");
        using var fetcher = new SafeImageFetcher(options, resolver: resolver);
        var bad = new Uri($"http://bad.test:{server.Port}/a.jpg");
        await FailsAsync(fetcher, bad);
        await FailsAsync(fetcher, bad);
        var open = await FailsAsync(fetcher, bad);
        var image = await fetcher.FetchAsync(new Uri($"http://good.test:{server.Port}/a.jpg"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(open.Message, Does.Contain("failed repeatedly"));
            Assert.That(image.Content.Length, Is.EqualTo(Image.Length));
        });
    }

    [Test]
    public async Task Query_strings_appear_in_no_message_and_no_log()
    {
        const string Secret = "s3cr3t-token";
        await using var server = new LoopbackHttpServer(async (r, s, ct) =>
        {
            var path = r.Target.Split('?')[0];
            switch (path)
            {
                case "/missing":
                    await LoopbackHttpServer.RespondAsync(s, 404, [], ct);
                    break;
                case "/big":
                    await LoopbackHttpServer.WriteHeadAsync(s, 200, ct, ("Content-Length", "999999999"));
                    break;
                case "/loop":
                    await LoopbackHttpServer.RedirectAsync(s, $"/loop?sig={Secret}", ct);
                    break;
                case "/to-metadata":
                    await LoopbackHttpServer.RedirectAsync(s, $"http://169.254.169.254/latest/meta-data/iam?token={Secret}", ct);
                    break;
                case "/down":
                    await LoopbackHttpServer.RespondAsync(s, 503, [], ct);
                    break;
                default:
                    await Task.Delay(Timeout.Infinite, ct);
                    break;
            }
        });
        var options = LoopbackOptions(server.Port);
        options.MaxBytes = 1000;
        options.Timeout = TimeSpan.FromMilliseconds(300);
        var logger = new RecordingLogger<SafeImageFetcher>();
        using var fetcher = new SafeImageFetcher(options, logger, new FakeHostResolver());
        string[] urls =
        [
            $"/missing?token={Secret}", $"/big?token={Secret}", $"/loop?token={Secret}", $"/to-metadata?token={Secret}",
            $"/down?token={Secret}", $"/slow?token={Secret}",
        ];
        var errors = new List<ImageFetchException>();
        foreach (var url in urls)
        {
            errors.Add(await FailsAsync(fetcher, server.Url(url)));
        }

        errors.Add(await FailsAsync(fetcher, $"http://127.0.0.1:1/a?token={Secret}"));
        errors.Add(await FailsAsync(fetcher, $"http://10.0.0.1/a?token={Secret}"));
        errors.Add(await FailsAsync(fetcher, $"http://nowhere.test/a?token={Secret}"));
        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e.Error).Distinct(), Is.EquivalentTo(Enum.GetValues<ImageFetchError>()));
            foreach (var e in errors)
            {
                Assert.That(e.Message, Does.Not.Contain(Secret).And.Not.Contain("?"), e.Message);
                Assert.That(e.ToString(), Does.Not.Contain(Secret), e.Message);
            }

            Assert.That(logger.Entries, Is.Not.Empty);
            foreach (var entry in logger.Entries)
            {
                Assert.That(entry.Message, Does.Not.Contain(Secret), entry.Message);
            }
        });
    }

    [Test]
    public async Task Concurrent_fetches_share_one_fetcher()
    {
        await using var server = new LoopbackHttpServer((r, s, ct) =>
            LoopbackHttpServer.RespondAsync(s, 200, Encoding.ASCII.GetBytes(r.Target), ct));
        using var fetcher = new SafeImageFetcher(LoopbackOptions(server.Port), resolver: new FakeHostResolver());
        var images = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => fetcher.FetchAsync(server.Url($"/{i}"), CancellationToken.None)));
        Assert.That(images.Select(i => Encoding.ASCII.GetString(i.Content.Span)), Is.EqualTo(Enumerable.Range(0, 32).Select(i => $"/{i}")));
    }
}
