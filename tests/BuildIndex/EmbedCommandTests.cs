using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using ImageSearch.Tests.Embedding;

namespace ImageSearch.Tests.BuildIndex;

/// <summary>The tool as a user runs it: a separate process, its output, its exit code.</summary>
public sealed class EmbedCommandTests
{
    [Test]
    public void Embed_prints_1280_round_trip_numbers_one_per_line()
    {
        var (exitCode, output, error) = Run("embed", Photo("hot_dog.jpg"), "--model", ModelZooFixture.PreparedModel);

        Assert.That(exitCode, Is.Zero, error);
        var numbers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => float.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        Assert.That(numbers, Has.Length.EqualTo(1280));
        Assert.That(TensorPrimitives.Norm(numbers), Is.EqualTo(1f).Within(1e-5f));
    }

    [Test]
    public void Embed_json_prints_an_array_equal_to_the_plain_output()
    {
        var plain = Run("embed", Photo("parrot.webp"), "--model", ModelZooFixture.PreparedModel);
        var json = Run("embed", Photo("parrot.webp"), "--json", "--model", ModelZooFixture.PreparedModel);

        Assert.That(json.ExitCode, Is.Zero, json.Error);
        var fromJson = JsonSerializer.Deserialize<float[]>(json.Output)!;
        var fromPlain = plain.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => float.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        Assert.That(fromJson, Is.EqualTo(fromPlain));
    }

    [Test]
    public void Embed_refuses_an_unsupported_image_with_one_line_on_stderr_and_exit_1()
    {
        var tiff = Path.Combine(Path.GetTempPath(), $"imagesearch-{Guid.NewGuid():N}.tif");
        File.WriteAllBytes(tiff, Convert.FromHexString("49492A0008000000000000000000"));

        var (exitCode, output, error) = Run("embed", tiff, "--model", ModelZooFixture.PreparedModel);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Contain("unsupported format").And.Contain("TIFF"));
    }

    [Test]
    public void Embed_of_a_missing_file_exits_2_naming_it()
    {
        var (exitCode, _, error) = Run("embed", "/no/such/photo.jpg", "--model", ModelZooFixture.PreparedModel);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error, Does.Contain("/no/such/photo.jpg"));
    }

    [Test]
    public void Embed_with_a_missing_model_exits_2_and_says_how_to_get_one()
    {
        var (exitCode, _, error) = Run("embed", Photo("hot_dog.jpg"), "--model", "/no/such/model.onnx");

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error, Does.Contain("/no/such/model.onnx").And.Contain("setup.sh"));
    }

    [Test]
    public void Every_command_has_help()
    {
        foreach (var command in new[] { "embed", "prepare-model", "build", "evaluate" })
        {
            var (exitCode, output, _) = Run(command, "--help");
            Assert.That(exitCode, Is.Zero);
            Assert.That(output, Does.Contain("Usage:"));
        }
    }

    private static string Photo(string name) => Path.Combine(ModelZooFixture.ImagesFolder, name);

    internal static (int ExitCode, string Output, string Error) Run(params string[] arguments) => RunTool("build-index", arguments);

    /// <summary>Runs one of the repository's console tools (built beside the tests) and returns what it printed.</summary>
    internal static (int ExitCode, string Output, string Error) RunTool(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, tool + ".dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} did not finish within two minutes");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
