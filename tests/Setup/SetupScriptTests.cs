using System.Diagnostics;

namespace ImageSearch.Tests.Setup;

/// <summary>./setup.sh as a newcomer meets it: a model that is not the pinned file is refused, never used.</summary>
public sealed class SetupScriptTests
{
    [Test]
    public void A_mirror_model_with_the_wrong_sha256_is_a_clear_error_and_is_not_installed()
    {
        var repository = RepositoryRoot();
        var sandbox = Directory.CreateTempSubdirectory("imagesearch-setup-").FullName;
        try
        {
            // A copy of the script, and a mirror whose model is one byte off.
            File.Copy(Path.Combine(repository, "setup.sh"), Path.Combine(sandbox, "setup.sh"));
            var mirrorModels = Directory.CreateDirectory(Path.Combine(sandbox, "mirror", "models")).FullName;
            var model = File.ReadAllBytes(Path.Combine(TestData.ModelsFolder, "mobilenetv2-12-int8.onnx"));
            model[^1] ^= 1;
            File.WriteAllBytes(Path.Combine(mirrorModels, "mobilenetv2-12-int8.onnx"), model);

            var (exitCode, output) = RunSetup(sandbox, Path.Combine(sandbox, "mirror"));

            Assert.That(exitCode, Is.Not.Zero, output);
            Assert.That(output, Does.Contain("SHA-256 mismatch").And.Contain("mobilenetv2-12-int8.onnx"));
            Assert.That(File.Exists(Path.Combine(sandbox, "models", "mobilenetv2-12-int8.onnx")), Is.False, "the bad file must not be installed");
        }
        finally
        {
            Directory.Delete(sandbox, recursive: true);
        }
    }

    private static (int ExitCode, string Output) RunSetup(string directory, string mirror)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(directory, "setup.sh"));
        start.Environment["IMAGESEARCH_MIRROR"] = mirror;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("setup.sh did not finish within two minutes");
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "setup.sh")) && File.Exists(Path.Combine(directory.FullName, "ImageSearch.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (with setup.sh) was not found above the test binaries.");
    }
}
