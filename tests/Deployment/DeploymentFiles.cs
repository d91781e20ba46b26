using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ImageSearch.Tests.Deployment;

/// <summary>
/// The deployment files as their tools read them: docker-compose.yml through <c>docker-compose config</c> (Debian's
/// docker-compose, which ./setup.sh installs; no engine needed), render.yaml through PyYAML (a dependency of
/// docker-compose), both as JSON; the Dockerfiles, nginx files and scripts as text.
/// </summary>
internal static class DeploymentFiles
{
    public static string Root { get; } = FindRoot();

    public static string Text(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    /// <summary>Runs <c>docker-compose config</c> with the given profiles; its exit code and output.</summary>
    public static (int ExitCode, string Output) ComposeConfig(params string[] profiles)
    {
        var arguments = new List<string> { "-f", Path.Combine(Root, "docker-compose.yml") };
        foreach (var profile in profiles)
        {
            arguments.AddRange(["--profile", profile]);
        }

        arguments.Add("config");
        return Run("docker-compose", arguments, stdin: null);
    }

    /// <summary>The compose file with every profile enabled, as <c>docker-compose config</c> resolves it.</summary>
    public static JsonObject Compose()
    {
        var (exitCode, output) = ComposeConfig("replicas", "gpu");
        Assert.That(exitCode, Is.Zero, $"docker-compose config failed: {output}");
        return YamlToJson(output);
    }

    public static JsonObject Render() => YamlToJson(Text("render.yaml"));

    public static JsonObject YamlToJson(string yaml)
    {
        var (exitCode, output) = Run("python3", ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"], yaml);
        Assert.That(exitCode, Is.Zero, $"YAML could not be read: {output}");
        return JsonNode.Parse(output)!.AsObject();
    }

    /// <summary>Lints a Dockerfile with dockerfile-utils (the Docker language server's checks; ./setup.sh installs it in deploy/).</summary>
    public static (int ExitCode, string Output) LintDockerfile(string relativePath)
    {
        var linter = Path.Combine(Root, "deploy", "node_modules", ".bin", "dockerfile-utils");
        Assert.That(File.Exists(linter), Is.True, $"{linter} is missing: run ./setup.sh (npm ci in deploy/).");
        return Run(linter, ["lint", Path.Combine(Root, relativePath)], stdin: null);
    }

    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, string? stdin)
    {
        // /usr/bin first: Debian's python3 is the one with PyYAML (a pyenv shim may come earlier on PATH).
        var start = new ProcessStartInfo(File.Exists($"/usr/bin/{program}") ? $"/usr/bin/{program}" : program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{program} is not installed ({e.Message}); ./setup.sh installs docker-compose (apt), which brings python3-yaml.");
            throw;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(stdin ?? "");
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{program} did not finish within a minute");
            }

            return (process.ExitCode, output.Result + error.Result);
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "docker-compose.yml")) && File.Exists(Path.Combine(directory.FullName, "setup.sh")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"The repository root (with docker-compose.yml) was not found above {AppContext.BaseDirectory}.");
    }
}
