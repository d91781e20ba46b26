namespace ImageSearch.Tests.Deployment;

/// <summary>
/// The service builds for the platforms .NET runs on, not only this Linux machine: publishing the API for another
/// runtime restores ONNX Runtime's and SkiaSharp's packages for it and puts that platform's native libraries, and
/// no other's, beside the program. (Running them needs those machines.)
/// </summary>
public sealed class PortabilityTests
{
    [TestCase("linux-arm64", "libonnxruntime.so", "libSkiaSharp.so")]
    [TestCase("osx-arm64", "libonnxruntime.dylib", "libSkiaSharp.dylib")]
    [TestCase("win-x64", "onnxruntime.dll", "libSkiaSharp.dll")]
    public void Publishing_the_api_for_another_platform_brings_its_native_libraries(string runtime, string onnxRuntime, string skia)
    {
        var work = Directory.CreateTempSubdirectory($"imagesearch-publish-{runtime}-").FullName;
        try
        {
            var output = Path.Combine(work, "out");

            // Its own artifacts folder: the repository's obj/ (restored for this machine) stays untouched.
            var (exitCode, log, errors) = ChildProcess.Run(
                TimeSpan.FromMinutes(8), "dotnet", "publish", Path.Combine(ChildProcess.RepositoryRoot(), "api", "ImageSearch.Api.csproj"), "-c", "Release", "-r", runtime,
                "--self-contained", "false", "-p:UseAppHost=false", "--artifacts-path", Path.Combine(work, "artifacts"), "-o", output, "-nologo");

            Assert.That(exitCode, Is.Zero, log + errors);
            var natives = Directory.GetFiles(output).Select(Path.GetFileName)
                .Where(name => name!.EndsWith(".so", StringComparison.Ordinal) || name.EndsWith(".dylib", StringComparison.Ordinal)
                    || (name.EndsWith(".dll", StringComparison.Ordinal) && (name.Contains("onnxruntime", StringComparison.Ordinal) || name.StartsWith("libSkia", StringComparison.Ordinal))))
                .ToList();
            Assert.That(natives, Does.Contain(onnxRuntime).And.Contain(skia));
            Assert.That(natives.Where(name => !name!.StartsWith("onnxruntime_providers_shared", StringComparison.Ordinal) && !name.StartsWith("libonnxruntime_providers_shared", StringComparison.Ordinal)),
                Is.EquivalentTo(new[] { onnxRuntime, skia }), "only the target platform's libraries");
            Assert.That(Directory.Exists(Path.Combine(output, "runtimes")), Is.False, "natives sit beside the program, not per platform");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
