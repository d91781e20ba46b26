using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ImageSearch.Tests.Deployment;

/// <summary>
/// What makes the images portable and safe to start, checked on the files (deploy/test-images.sh, which ./test.sh
/// runs, builds and runs the images for real): nginx asks the container's own DNS server, so one web image works on
/// Docker, Podman and Kubernetes; nginx waits for a healthy API; nothing runs as root; the test command runs the
/// images.
/// </summary>
public sealed partial class ContainerImagesTests
{
    private const string ResolverScript = "deploy/web/16-api-resolver.envsh";

    [TestCase("127.0.0.11", "127.0.0.11", TestName = "Docker: its embedded DNS")]
    [TestCase("10.89.0.1 10.255.255.53", "10.89.0.1", TestName = "Podman: aardvark-dns, not the host's resolver listed after it")]
    [TestCase("10.96.0.10", "10.96.0.10", TestName = "Kubernetes: the cluster DNS")]
    [TestCase("[fd00::53] 10.0.0.2", "[fd00::53]", TestName = "an IPv6 nameserver, bracketed")]
    public void Nginx_resolves_the_API_with_the_first_nameserver_of_the_container(string localResolvers, string expected)
    {
        var (exitCode, output) = SourceResolverScript(new() { ["NGINX_LOCAL_RESOLVERS"] = localResolvers });

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output.Trim().Split('\n')[^1], Is.EqualTo($"API_RESOLVER={expected}"));
    }

    [Test]
    public void API_RESOLVER_overrides_the_containers_nameserver()
    {
        var (exitCode, output) = SourceResolverScript(new() { ["NGINX_LOCAL_RESOLVERS"] = "127.0.0.11", ["API_RESOLVER"] = "192.0.2.53" });

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output.Trim().Split('\n')[^1], Is.EqualTo("API_RESOLVER=192.0.2.53"));
    }

    [Test]
    public void Without_any_nameserver_the_web_container_stops_and_says_what_to_set()
    {
        var (exitCode, output) = SourceResolverScript(new() { ["NGINX_LOCAL_RESOLVERS"] = "" });

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("no nameserver in /etc/resolv.conf").And.Contain("set API_RESOLVER"));
    }

    [Test]
    public void The_web_image_takes_its_resolver_from_the_container_not_from_Dockers_address()
    {
        var dockerfile = DeploymentFiles.Text("deploy/web/Dockerfile");
        var template = DeploymentFiles.Text("deploy/web/default.conf.template");

        Assert.That(dockerfile, Does.Match(@"NGINX_ENTRYPOINT_LOCAL_RESOLVERS=1\b"));
        // The official entry point sources /docker-entrypoint.d/*.envsh in version order: after its
        // 15-local-resolvers.envsh (which sets NGINX_LOCAL_RESOLVERS), before 20-envsubst-on-templates.sh renders the template.
        var copy = Regex.Match(dockerfile, @"COPY --chmod=0755 deploy/web/16-api-resolver\.envsh /docker-entrypoint\.d/(\S+)");
        Assert.That(copy.Success, Is.True, "the resolver script goes executable into /docker-entrypoint.d");
        Assert.That(new[] { "15-local-resolvers.envsh", copy.Groups[1].Value, "20-envsubst-on-templates.sh" }, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(template, Does.Contain("resolver ${API_RESOLVER} "));
        Assert.That(dockerfile + template, Does.Not.Contain("127.0.0.11"), "Podman and Kubernetes have no DNS server there");
    }

    [Test]
    public void Nginx_starts_only_once_an_API_answers_ready_and_every_API_container_checks_readiness()
    {
        var services = DeploymentFiles.Compose()["services"]!.AsObject();

        Assert.That((string)services["web"]!["depends_on"]!["api"]!["condition"]!, Is.EqualTo("service_healthy"));
        foreach (var name in new[] { "api", "api-replica", "api-gpu" })
        {
            var healthcheck = services[name]!["healthcheck"]!;
            Assert.That(string.Join(" ", healthcheck["test"]!.AsArray().Select(t => (string)t!)), Does.Contain("/health/ready"), name);
            Assert.That((string)healthcheck["interval"]!, Is.EqualTo("5s"), $"{name}: nginx waits no longer than needed");
        }
    }

    [Test]
    public void The_page_is_published_on_loopback_unless_an_address_is_given()
    {
        var (exitCode, output) = DeploymentFiles.ComposeConfig();
        Assert.That(exitCode, Is.Zero, output);
        var port = (string)DeploymentFiles.YamlToJson(output)["services"]!["web"]!["ports"]![0]!;

        Assert.That(port, Does.StartWith("127.0.0.1:"));
        Assert.That(DeploymentFiles.Text("docker-compose.yml"), Does.Contain("${IMAGESEARCH_ADDRESS:-127.0.0.1}:${IMAGESEARCH_PORT:-8080}:8080"));
    }

    [Test]
    public void Neither_image_runs_as_root()
    {
        var web = DeploymentFiles.Text("deploy/web/Dockerfile");
        var api = DeploymentFiles.Text("deploy/api/Dockerfile");

        // nginx's official unprivileged image runs nginx as UID 101 on port 8080; the web image keeps its user.
        Assert.That(Regex.Match(web, @"^ARG NGINX_IMAGE=(\S+)$", RegexOptions.Multiline).Groups[1].Value, Does.StartWith("nginxinc/nginx-unprivileged:"));
        Assert.That(web, Does.Not.Match(@"^USER\b"), "the base image's non-root user");
        Assert.That(UserRegex().Matches(api).Select(m => m.Groups[1].Value), Is.Not.Empty.And.None.EqualTo("root").And.None.EqualTo("0"));
    }

    [Test]
    public void The_test_command_builds_and_runs_the_CPU_images_and_counts_each_check()
    {
        var test = DeploymentFiles.Text("test.sh");
        var script = DeploymentFiles.Text("deploy/test-images.sh");

        Assert.That(test, Does.Contain("deploy/test-images.sh"));
        Assert.That(test, Does.Match(@"web_results ""container tests"" ""\$results/containers.xml"""), "each check joins the count");
        Assert.That(script, Does.Contain("--target runtime ").And.Not.Contain("runtime-gpu"), "the CPU image, never the GPU one");
        Assert.That(script, Does.Contain("--build-context \"mirror=$mirror\""));
        foreach (var standIn in new[] { "debian:trixie-slim", "mcr.microsoft.com/dotnet/aspnet:10.0-trixie-slim", "mcr.microsoft.com/dotnet/sdk:10.0-trixie", "node:22-trixie-slim", "nginxinc/nginx-unprivileged:1.28-alpine" })
        {
            Assert.That(script, Does.Contain(standIn), $"a stand-in named {standIn}");
            Assert.That(DeploymentFiles.Text("deploy/api/Dockerfile") + DeploymentFiles.Text("deploy/web/Dockerfile"), Does.Contain(standIn), $"{standIn} is what a Dockerfile names");
        }
    }

    /// <summary>Sources the resolver script in sh with <paramref name="environment"/>; its exit code and output, then API_RESOLVER.</summary>
    private static (int ExitCode, string Output) SourceResolverScript(Dictionary<string, string> environment)
    {
        var assignments = string.Join(" ", environment.Select(e => $"{e.Key}='{e.Value}'"));
        return DeploymentFiles.Run("sh", ["-c", $"{assignments}; export API_UPSTREAM=api:8080; . ./{ResolverScript} && echo \"API_RESOLVER=$API_RESOLVER\""], stdin: null);
    }

    [GeneratedRegex(@"^USER (\S+)$", RegexOptions.Multiline)]
    private static partial Regex UserRegex();
}
