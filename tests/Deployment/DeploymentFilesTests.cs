using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImageSearch.Api;
using ImageSearch.Core.Query.Inference;
using ImageSearch.Tests.Api;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ImageSearch.Tests.Deployment;

/// <summary>
/// docker-compose.yml, render.yaml, the Dockerfiles and the nginx files stay valid and in step with what ./run.sh
/// and ./setup.sh do: the same port, paths and settings, the same pinned downloads, every API route proxied.
/// (No container engine here: the images are not built by the tests; docs/operations.md says what was checked.)
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string[] Profiles = ["", "replicas", "gpu"];

    [Test]
    public void The_compose_file_is_valid_with_each_profile()
    {
        foreach (var profile in Profiles)
        {
            var (exitCode, output) = profile.Length == 0 ? DeploymentFiles.ComposeConfig() : DeploymentFiles.ComposeConfig(profile);
            Assert.That(exitCode, Is.Zero, $"profile '{profile}': {output}");
        }
    }

    [TestCase("deploy/api/Dockerfile")]
    [TestCase("deploy/web/Dockerfile")]
    public void The_Dockerfile_passes_the_linter(string dockerfile)
    {
        var (exitCode, output) = DeploymentFiles.LintDockerfile(dockerfile);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output.Trim(), Is.Empty, "no warnings either");
    }

    [Test]
    public void The_linter_does_catch_a_broken_Dockerfile()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"imagesearch-{Guid.NewGuid():N}.Dockerfile");
        File.WriteAllText(broken, "FROM debian:trixie-slim\nHEALTHCHECK --bogus=1 CMD true\nCOPY\n");
        try
        {
            var (exitCode, output) = DeploymentFiles.LintDockerfile(Path.GetRelativePath(DeploymentFiles.Root, broken));

            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(output, Does.Contain("Unknown flag: bogus").And.Contain("COPY requires at least two arguments"));
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Test]
    public void Compose_serves_the_page_and_the_API_on_the_port_run_sh_uses()
    {
        var services = Services();
        var runPort = RunScriptPort();

        // docker-compose 1.29 writes a port as "[HOST_IP:]PUBLISHED:TARGET[/PROTOCOL]".
        var published = services["web"]!["ports"]!.AsArray().Select(p => p is JsonObject port ? port["published"]!.ToString() : p!.ToString().Split(':')[^2]).ToList();
        Assert.That(published, Does.Contain(runPort), $"web publishes {string.Join(", ", published)}; run.sh uses {runPort}");
        Assert.That(Environment(services["web"]!)["API_UPSTREAM"], Is.EqualTo($"api:{ImagePort()}"));
        Assert.That(ImagePort(), Is.EqualTo(runPort), "the API image listens where run.sh starts the API");
    }

    [Test]
    public void Every_ImageSearch_setting_in_compose_and_render_is_a_real_API_setting_with_a_valid_value()
    {
        var environments = Services().Select(s => (s.Key, Environment(s.Value!)))
            .Concat(RenderServices().Select(s => ((string)s["name"]!, RenderEnvironment(s))))
            .ToList();

        foreach (var (service, variables) in environments)
        {
            foreach (var (key, value) in variables.Where(v => v.Key.StartsWith("ImageSearch__", StringComparison.Ordinal)))
            {
                var property = SettingType(key["ImageSearch__".Length..].Split("__"));
                Assert.That(property, Is.Not.Null, $"{service}: {key} is not a setting of ImageSearchOptions");
                if (value is not null)
                {
                    Assert.That(() => TypeDescriptor.GetConverter(property!).ConvertFromInvariantString(value), Throws.Nothing,
                        $"{service}: {key}={value} is not a valid {property!.Name}");
                }
            }
        }
    }

    [Test]
    public void Compose_and_render_use_the_catalog_index_and_model_paths_of_the_run_script()
    {
        var defaults = new ImageSearchOptions();
        var appSettings = JsonNode.Parse(DeploymentFiles.Text("api/appsettings.json"))!["ImageSearch"]!;
        var expected = new Dictionary<string, string>
        {
            ["ImageSearch__CatalogPath"] = (string)appSettings["CatalogPath"]!,
            ["ImageSearch__IndexPath"] = (string)appSettings["IndexPath"]!,
            ["ImageSearch__ModelPath"] = (string)appSettings["ModelPath"]!,
        };
        Assert.That(expected.Values, Is.EqualTo(new[] { defaults.CatalogPath, defaults.IndexPath, defaults.ModelPath }));
        Assert.That(DeploymentFiles.Text("run.sh"), Does.Contain($"--catalog {expected["ImageSearch__CatalogPath"]} --out {expected["ImageSearch__IndexPath"]}"));

        // Every service running the API image (not the page's nginx, nor the postgres profile's database).
        var environments = Services().Where(s => ((string?)s.Value!["image"])?.StartsWith("imagesearch-api", StringComparison.Ordinal) == true).Select(s => Environment(s.Value!))
            .Concat(RenderServices().Where(s => (string?)s["runtime"] == "docker").Select(RenderEnvironment));
        foreach (var variables in environments)
        {
            foreach (var (key, value) in expected)
            {
                Assert.That(variables.GetValueOrDefault(key), Is.EqualTo(value), key);
            }
        }

        var entrypoint = DeploymentFiles.Text("deploy/api/entrypoint.sh");
        foreach (var (key, value) in expected)
        {
            Assert.That(entrypoint, Does.Contain($"${{{key}:-{value}}}"), $"the entry point's default for {key}");
        }
    }

    [Test]
    public void The_data_folder_is_mounted_read_only_into_every_API_replica_and_written_only_by_the_indexer()
    {
        var services = Services();

        foreach (var name in new[] { "api", "api-replica", "api-gpu" })
        {
            Assert.That(Mounts(services[name]!), Does.Contain(("/app/data", true)).And.Contain(("/app/models", true)), name);
        }

        Assert.That(Mounts(services["indexer"]!), Does.Contain(("/app/data", false)));
        Assert.That(services["api"]!["depends_on"]!["indexer"]!["condition"]!.ToString(), Is.EqualTo("service_completed_successfully"));
        Assert.That((string)services["indexer"]!["command"]![0]!, Is.EqualTo("index"));
    }

    [Test]
    public void The_replicas_and_gpu_profiles_add_API_containers_that_the_page_balances_over()
    {
        var services = Services();

        foreach (var name in new[] { "api-replica", "api-gpu" })
        {
            Assert.That(services[name]!["networks"]!["default"]!["aliases"]!.AsArray().Select(a => a!.ToString()), Does.Contain("api"), name);
        }

        Assert.That((int)services["api-replica"]!["deploy"]!["replicas"]!, Is.GreaterThanOrEqualTo(2));
        Assert.That(services["api-replica"]!["profiles"]!.AsArray().Select(p => p!.ToString()), Is.EqualTo(new[] { "replicas" }));
    }

    [Test]
    public void The_gpu_profile_selects_the_CUDA_execution_provider_and_reserves_a_GPU()
    {
        var gpu = Services()["api-gpu"]!;

        Assert.That(Enum.Parse<ExecutionProvider>(Environment(gpu)["ImageSearch__Inference__ExecutionProvider"]!), Is.EqualTo(ExecutionProvider.Cuda));
        var device = gpu["deploy"]!["resources"]!["reservations"]!["devices"]![0]!;
        Assert.That(device["capabilities"]!.AsArray().Select(c => c!.ToString()), Does.Contain("gpu"));
        Assert.That((string)gpu["build"]!["target"]!, Is.EqualTo("runtime-gpu"));
        Assert.That(DeploymentFiles.Text("deploy/api/Dockerfile"), Does.Contain("FROM nvidia/cuda:").And.Contain("AS runtime-gpu"));
    }

    [Test]
    public void The_API_image_pins_the_same_model_as_setup_sh()
    {
        var setup = ShellAssignments(DeploymentFiles.Text("setup.sh"));
        var dockerfile = DockerArgs(DeploymentFiles.Text("deploy/api/Dockerfile"));

        Assert.That(dockerfile.GetValueOrDefault("MODEL_SHA256"), Is.EqualTo(setup["MODEL_SHA256"]));

        Assert.That(dockerfile["MODEL_URL"], Is.EqualTo(setup["MODEL_URL"].Replace("$MODEL_FILE", setup["MODEL_FILE"], StringComparison.Ordinal)));
    }

    [Test]
    public void The_API_image_has_the_codec_libraries_setup_sh_installs_runs_as_a_user_and_checks_readiness()
    {
        var dockerfile = DeploymentFiles.Text("deploy/api/Dockerfile");
        var runtime = dockerfile[dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        var setupPackages = ShellArray(DeploymentFiles.Text("setup.sh"), "APT_PACKAGES");

        Assert.That(runtime, Does.Contain(" AS runtime"), "the default (last) stage is the CPU runtime");
        foreach (var package in setupPackages)
        {
            // Debian 13 renamed some libraries for 64-bit time (libpng16-16 -> libpng16-16t64).
            Assert.That(Regex.IsMatch(runtime, $@"\b{Regex.Escape(package)}(t64)?\b"), Is.True, $"{package} in the runtime image");
        }

        Assert.That(UserRegex().Match(runtime).Groups[1].Value, Is.Not.Empty.And.Not.EqualTo("root").And.Not.EqualTo("0"));
        Assert.That(runtime, Does.Match(@"HEALTHCHECK[^\n]*\n[^\n]*/health/ready"));
        Assert.That(DeploymentFiles.Text(".dockerignore"), Does.Contain("**/bin/").And.Contain("web/node_modules/"));
    }

    [Test]
    public void Render_runs_the_API_image_with_a_disk_for_the_data_and_the_page_as_a_static_site()
    {
        var services = RenderServices();
        var api = services.Single(s => (string?)s["runtime"] == "docker");
        var page = services.Single(s => (string?)s["runtime"] == "static");

        Assert.That((string)api["type"]!, Is.EqualTo("web"));
        Assert.That(File.Exists(Path.Combine(DeploymentFiles.Root, (string)api["dockerfilePath"]!)), Is.True, "dockerfilePath");
        Assert.That((string)api["healthCheckPath"]!, Is.EqualTo("/health/ready"));
        Assert.That((string)api["disk"]!["mountPath"]!, Is.EqualTo("/app/data"));
        Assert.That(RenderEnvironment(api)["ASPNETCORE_HTTP_PORTS"], Is.EqualTo(ImagePort()));
        Assert.That(RenderEnvironment(api).Keys, Does.Contain("ImageSearch__Cors__AllowedOrigins__0"), "the page calls the API from another origin");
        Assert.That((string)page["rootDir"]! + "/" + (string)page["staticPublishPath"]!, Is.EqualTo("web/dist"));
        Assert.That((string)page["buildCommand"]!, Does.Contain("npm run build").And.Contain("config.json"));
    }

    [Test]
    public void The_IMAGESEARCH_variables_of_the_deployment_files_are_read_by_the_entry_point_or_the_engine()
    {
        var readers = DeploymentFiles.Text("deploy/api/entrypoint.sh") + DeploymentFiles.Text("setup.sh");
        var variables = Services().SelectMany(s => Environment(s.Value!).Keys).Concat(RenderServices().SelectMany(s => RenderEnvironment(s).Keys))
            .Concat(Regex.Matches(DeploymentFiles.Text("deploy/api/Dockerfile"), @"\b(IMAGESEARCH_[A-Z_]+)=").Select(m => m.Groups[1].Value))
            .Where(k => k.StartsWith("IMAGESEARCH_", StringComparison.Ordinal) && k != "IMAGESEARCH_API_URL")
            .Distinct().ToList();

        Assert.That(variables, Is.Not.Empty);
        foreach (var variable in variables)
        {
            Assert.That(readers, Does.Contain(variable), $"{variable} is set but nothing reads it");
        }
    }

    [Test]
    public async Task Nginx_proxies_every_route_of_the_API_and_retries_a_failed_request_on_another_replica()
    {
        await using var factory = new ApiFactory();
        _ = factory.Server;
        var segments = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!.TrimStart('/').Split('/')[0])
            .Where(s => s.Length > 0).Distinct().ToList();
        var template = DeploymentFiles.Text("deploy/web/default.conf.template");
        var proxied = ProxiedRegex().Match(template).Groups[1].Value.Split('|');

        // The Prometheus scrape endpoint is for the operator's network only: the public proxy never passes it on.
        Assert.That(segments, Does.Contain("metrics"));
        Assert.That(proxied, Does.Not.Contain("metrics"), "the metrics stay inside");
        segments.Remove("metrics");
        var proxy = DeploymentFiles.Text("deploy/nginx/api-proxy.conf");

        Assert.That(segments, Does.Contain("search").And.Contain("health"));
        Assert.That(proxied, Is.SupersetOf(segments.Append("swagger")), "every API path is proxied; the rest is the page");
        Assert.That(template, Does.Contain("include /etc/nginx/snippets/imagesearch-api-proxy.conf;"));
        Assert.That(DeploymentFiles.Text("deploy/web/Dockerfile"), Does.Contain("COPY deploy/nginx/api-proxy.conf /etc/nginx/snippets/imagesearch-api-proxy.conf"));
        Assert.That(proxy, Does.Match(@"proxy_next_upstream error timeout http_502 http_503 non_idempotent;"));
        Assert.That(DeploymentFiles.Text("bench/scale-out.sh"), Does.Contain("deploy/nginx/api-proxy.conf"), "the scale-out test runs this very proxy configuration");
    }

    private static JsonObject Services() => DeploymentFiles.Compose()["services"]!.AsObject();

    private static List<JsonObject> RenderServices() => DeploymentFiles.Render()["services"]!.AsArray().Select(s => s!.AsObject()).ToList();

    private static Dictionary<string, string?> Environment(JsonNode service) =>
        service["environment"]?.AsObject().ToDictionary(e => e.Key, e => e.Value?.ToString()) ?? [];

    private static Dictionary<string, string?> RenderEnvironment(JsonNode service) =>
        service["envVars"]?.AsArray().Where(e => e!["key"] is not null).ToDictionary(e => (string)e!["key"]!, e => e!["value"]?.ToString()) ?? [];

    private static List<(string Target, bool ReadOnly)> Mounts(JsonNode service) => service["volumes"]!.AsArray().Select(v =>
    {
        var parts = v!.ToString().Split(':');
        return (parts[1], parts.Length > 2 && parts[2] == "ro");
    }).ToList();

    private static string RunScriptPort() => RunUrlRegex().Match(DeploymentFiles.Text("run.sh")).Groups[1].Value;

    private static string ImagePort() => DockerEnvRegex().Match(DeploymentFiles.Text("deploy/api/Dockerfile")).Groups[1].Value;

    /// <summary>The type a configuration path (Inference, ExecutionProvider) binds to in ImageSearchOptions, or null.</summary>
    private static Type? SettingType(IEnumerable<string> path)
    {
        var type = typeof(ImageSearchOptions);
        foreach (var segment in path)
        {
            if (int.TryParse(segment, out _))
            {
                type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().FirstOrDefault() ?? type;
                continue;
            }

            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite)
            {
                return null;
            }

            type = property.PropertyType;
        }

        return type;
    }

    private static Dictionary<string, string> ShellAssignments(string script) =>
        ShellAssignmentRegex().Matches(script).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    private static string[] ShellArray(string script, string name) =>
        Regex.Match(script, $@"^{name}=\(([^)]*)\)", RegexOptions.Multiline).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static Dictionary<string, string> DockerArgs(string dockerfile)
    {
        var args = new Dictionary<string, string>();
        foreach (Match match in DockerArgRegex().Matches(dockerfile))
        {
            args.TryAdd(match.Groups[1].Value, match.Groups[2].Value);
        }

        return args;
    }

    [GeneratedRegex(@"^([A-Z_0-9]+)=([^\s(]+)$", RegexOptions.Multiline)]
    private static partial Regex ShellAssignmentRegex();

    [GeneratedRegex(@"^ARG ([A-Z_0-9]+)=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex DockerArgRegex();

    [GeneratedRegex(@"IMAGESEARCH_URL:-https?://[^:}]+:(\d+)")]
    private static partial Regex RunUrlRegex();

    [GeneratedRegex(@"ASPNETCORE_HTTP_PORTS=(\d+)")]
    private static partial Regex DockerEnvRegex();

    [GeneratedRegex(@"^USER (\S+)$", RegexOptions.Multiline)]
    private static partial Regex UserRegex();

    [GeneratedRegex(@"location ~ \^/\(([a-z|]+)\)")]
    private static partial Regex ProxiedRegex();
}
