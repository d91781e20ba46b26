using System.Runtime.InteropServices;
using ImageSearch.Core.Inference.OnnxRuntime;

namespace ImageSearch.Tests.Inference.OnnxRuntime;

/// <summary>Checks the library loading and, through calls with known answers, the API table slot indices.</summary>
[TestFixture]
public sealed class OrtLibraryTests
{
    [Test]
    public void The_loaded_runtime_reports_its_version()
    {
        Assert.That(OrtLibrary.VersionString, Does.Match(@"^1\.\d+\.\d+"));
        TestContext.Out.WriteLine($"ONNX Runtime {OrtLibrary.VersionString}");
    }

    [TestCase(OrtErrorCode.ORT_INVALID_ARGUMENT, "probe one")]
    [TestCase(OrtErrorCode.ORT_INVALID_GRAPH, "probe two: ünïcode")]
    public unsafe void A_status_round_trips_through_CreateStatus_GetErrorCode_and_GetErrorMessage(OrtErrorCode code, string message)
    {
        var api = OrtLibrary.Api;
        nint status;
        fixed (byte* text = Utf8Bytes(message))
        {
            status = api.CreateStatus((int)code, text);
        }

        var ex = api.ToException(status); // also releases the status (slot ReleaseStatus)

        Assert.That(ex.ErrorCode, Is.EqualTo(code));
        Assert.That(ex.NativeMessage, Is.EqualTo(message));
    }

    [Test]
    public void The_default_cpu_memory_info_is_shared_and_survives_Dispose()
    {
        OrtMemoryInfo.DefaultInstance.Dispose();

        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new float[2].AsMemory(), [2]);
        Assert.That(value.IsTensor, Is.True);
    }

    [Test]
    public void The_environment_is_a_process_wide_singleton()
    {
        var instances = new OrtEnv[8];
        Parallel.For(0, instances.Length, i => instances[i] = OrtEnv.Instance());

        Assert.That(instances, Is.All.SameAs(OrtEnv.Instance()));
    }

    [Test]
    public void Failing_to_load_lists_every_place_tried_and_points_to_setup()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nowhere-{Guid.NewGuid():N}", "libonnxruntime.so.1");

        var ex = Assert.Throws<DllNotFoundException>(() => OrtLibrary.LoadFirst([missing, "libno-such-onnxruntime.so.1"]));

        Assert.That(ex.Message, Does.Contain(missing));
        Assert.That(ex.Message, Does.Contain("libno-such-onnxruntime.so.1"));
        Assert.That(ex.Message, Does.Contain("./setup.sh"));
    }

    [Test]
    public void The_search_order_is_host_path_then_environment_then_app_folder_then_system()
    {
        var saved = OrtLibrary.LibraryPath;
        var savedEnvironment = Environment.GetEnvironmentVariable(OrtLibrary.EnvironmentVariable);
        try
        {
            OrtLibrary.LibraryPath = "/host/libonnxruntime.so.1";
            Environment.SetEnvironmentVariable(OrtLibrary.EnvironmentVariable, "/env/libonnxruntime.so.1");

            Assert.That(OrtLibrary.Candidates(), Is.EqualTo(new[]
            {
                "/host/libonnxruntime.so.1",
                "/env/libonnxruntime.so.1",
                Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so.1"),
                "libonnxruntime.so.1",
            }));
        }
        finally
        {
            OrtLibrary.LibraryPath = saved;
            Environment.SetEnvironmentVariable(OrtLibrary.EnvironmentVariable, savedEnvironment);
        }
    }

    private static byte[] Utf8Bytes(string s)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(s) + 1];
        System.Text.Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
