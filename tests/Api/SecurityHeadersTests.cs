using System.Net;
using ImageSearch.Api.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageSearch.Tests.Api;

/// <summary>Every answer tells browsers not to sniff, frame or refer, and carries a CSP; no Server header; Swagger UI can be switched off.</summary>
public sealed class SecurityHeadersTests : ApiTestFixture
{
    [TestCase("/products")]
    [TestCase("/products/NOPE")]
    [TestCase("/images/C0001")]
    [TestCase("/health/live")]
    public async Task Answers_and_errors_carry_the_security_headers(string path)
    {
        using var response = await Client.GetAsync(path);

        Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(response.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "DENY" }));
        Assert.That(response.Headers.GetValues("Referrer-Policy"), Is.EqualTo(new[] { "no-referrer" }));
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.That(policy, Does.Contain("frame-ancestors 'none'").And.Contain("default-src 'self'").And.Contain("object-src 'none'"));
        Assert.That(response.Headers.Contains("Server"), Is.False);
    }

    [Test]
    public async Task The_page_policy_lets_the_on_device_mode_compile_its_own_WebAssembly_and_nothing_run_inline()
    {
        using var response = await Client.GetAsync("/products");

        var directives = response.Headers.GetValues("Content-Security-Policy").Single().Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToArray());
        Assert.That(directives["script-src"], Is.EquivalentTo(new[] { "'self'", "'wasm-unsafe-eval'" }));
        Assert.That(directives["connect-src"], Is.EquivalentTo(new[] { "'self'" }), "the model and the WebAssembly come from this origin");
        Assert.That(directives["img-src"], Does.Contain("blob:").And.Contain("https:"), "the query preview and remote catalog images");
        Assert.That(directives["style-src"], Is.EquivalentTo(new[] { "'self'" }));
    }

    [Test]
    public void The_compose_nginx_gives_the_page_it_serves_the_same_policy()
    {
        var template = ImageSearch.Tests.Deployment.DeploymentFiles.Text("deploy/web/default.conf.template");

        Assert.That(template.Split($"add_header Content-Security-Policy \"{SecurityHeaders.PagePolicy}\" always;").Length - 1, Is.EqualTo(3), "each page location");
        Assert.That(template, Does.Contain("server_tokens off;"));
    }

    [Test]
    public void Kestrel_sends_no_server_header()
    {
        var kestrel = Factory.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        Assert.That(kestrel.AddServerHeader, Is.False);
    }

    [Test]
    public async Task Swagger_UI_is_on_by_default_and_a_setting_turns_it_off()
    {
        using var on = await Client.GetAsync("/swagger/index.html");
        using var document = await Client.GetAsync("/swagger/v1/swagger.json");
        Assert.That((on.StatusCode, document.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(on.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("style-src 'self' 'unsafe-inline'"));

        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["ImageSearch:Swagger:Enabled"] = "false" });
        using var client = factory.CreateClient();
        using var off = await client.GetAsync("/swagger/index.html");
        using var offDocument = await client.GetAsync("/swagger/v1/swagger.json");
        Assert.That((off.StatusCode, offDocument.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
    }
}
