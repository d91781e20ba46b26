using ImageSearch.Tests.Embedding;

namespace ImageSearch.Tests.BuildIndex;

/// <summary>
/// The tools built with ONNX Runtime's CUDA package (-p:OnnxRuntimeFlavor=Gpu) run where CUDA is missing too: asked
/// for CUDA on a machine without it, embed falls back to the CPU, gives the same vector, and its warning names what
/// ONNX Runtime itself found missing (a CUDA library), not only "Failed to load shared library".
/// </summary>
public sealed class GpuPackageTests
{
    [Test]
    public void The_cuda_build_asked_for_cuda_without_a_gpu_names_the_missing_library_and_embeds_on_the_cpu()
    {
        var work = Directory.CreateTempSubdirectory("imagesearch-gpu-package-").FullName;
        try
        {
            var tool = Path.Combine(work, "out");
            var (published, log, errors) = ChildProcess.Run(
                TimeSpan.FromMinutes(10), "dotnet", "publish", Path.Combine(ChildProcess.RepositoryRoot(), "build-index", "ImageSearch.BuildIndex.csproj"), "-c", "Release",
                "-r", "linux-x64", "--self-contained", "false", "-p:UseAppHost=false", "-p:OnnxRuntimeFlavor=Gpu",
                "--artifacts-path", Path.Combine(work, "artifacts"), "-o", tool, "-nologo");
            Assert.That(published, Is.Zero, log + errors);
            Assert.That(File.Exists(Path.Combine(tool, "libonnxruntime_providers_cuda.so")), Is.True, "the CUDA provider ships with the GPU build");

            var photo = Path.Combine(TestData.ModelsFolder, "images", "bird.png");
            var (exitCode, output, error) = Embed(tool, photo, "--execution-provider", "cuda");
            var (_, cpuOutput, _) = Embed(tool, photo);

            Assert.That(exitCode, Is.Zero, error);
            Assert.That(error, Does.Contain("falling back to CPU"));
            Assert.That(error, Does.Match(@"lib(cublas|cublasLt|cudart|cudnn|cufft|curand)[^ ]*\.so"), "ONNX Runtime's own reason");
            Assert.That(output, Is.EqualTo(cpuOutput), "the fallback embeds as the CPU build does");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static (int ExitCode, string Output, string Error) Embed(string tool, params string[] arguments) =>
        ChildProcess.Run(TimeSpan.FromMinutes(2), "dotnet", [Path.Combine(tool, "build-index.dll"), "embed", .. arguments, "--model", ModelZooFixture.PreparedModel]);
}
