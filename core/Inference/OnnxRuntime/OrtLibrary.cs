using System.Runtime.InteropServices;

namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>
/// Finds and loads the native ONNX Runtime library (<c>libonnxruntime.so.1</c>) and its C API table.
/// Search order: <see cref="LibraryPath"/> if the host set it, the environment variable
/// <c>IMAGESEARCH_ORT_LIBRARY</c>, <c>AppContext.BaseDirectory/libonnxruntime.so.1</c>, then the plain name through
/// the system loader.
/// </summary>
public static class OrtLibrary
{
    /// <summary>The environment variable that names the native library file.</summary>
    public const string EnvironmentVariable = "IMAGESEARCH_ORT_LIBRARY";

    /// <summary>The file name of the native library on Linux.</summary>
    public const string LibraryFileName = "libonnxruntime.so.1";

    private static readonly Lock Gate = new();
    private static volatile OrtNativeApi? s_api;

    /// <summary>Full path of the native library to load, tried before every other place; set it before the first
    /// use of any ONNX Runtime type.</summary>
    public static string? LibraryPath { get; set; }

    /// <summary>The version string of the loaded runtime, e.g. "1.30.0" (loads the library).</summary>
    public static string VersionString => Api.VersionString;

    internal static OrtNativeApi Api => s_api ?? LoadOnce();

    /// <summary>The places tried, in order.</summary>
    internal static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        if (!string.IsNullOrWhiteSpace(LibraryPath))
        {
            list.Add(LibraryPath);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            list.Add(fromEnvironment);
        }

        list.Add(Path.Combine(AppContext.BaseDirectory, LibraryFileName));
        list.Add(LibraryFileName);
        return list;
    }

    /// <summary>Loads the first candidate that the system loader accepts; throws <see cref="DllNotFoundException"/>
    /// listing every place tried (and why) when none does.</summary>
    internal static nint LoadFirst(IEnumerable<string> candidates)
    {
        var failures = new List<string>();
        foreach (var candidate in candidates)
        {
            if (Path.IsPathRooted(candidate) && !File.Exists(candidate))
            {
                failures.Add($"{candidate} (no such file)");
                continue;
            }

            try
            {
                return NativeLibrary.Load(candidate);
            }
            catch (DllNotFoundException ex)
            {
                failures.Add($"{candidate} ({ex.Message})");
            }
            catch (BadImageFormatException ex)
            {
                failures.Add($"{candidate} ({ex.Message})");
            }
        }

        throw new DllNotFoundException(
            "Could not load the ONNX Runtime native library. Run ./setup.sh to place " + LibraryFileName +
            " under .native/linux-x64/, or set OrtLibrary.LibraryPath or " + EnvironmentVariable +
            ". Tried: " + string.Join("; ", failures));
    }

    private static unsafe OrtNativeApi LoadOnce()
    {
        lock (Gate)
        {
            if (s_api is { } loaded)
            {
                return loaded;
            }

            var handle = LoadFirst(Candidates());
            if (!NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out var getApiBaseAddress))
            {
                throw new EntryPointNotFoundException("The loaded ONNX Runtime library does not export OrtGetApiBase.");
            }

            // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
            var apiBase = ((delegate* unmanaged<nint*>)getApiBaseAddress)();
            var getApi = (delegate* unmanaged<uint, nint>)apiBase[0];
            var getVersionString = (delegate* unmanaged<byte*>)apiBase[1];
            var version = Utf8.ToString(getVersionString()) ?? "unknown";
            var table = getApi(OrtApiSlot.ApiVersion);
            if (table == 0)
            {
                throw new NotSupportedException(
                    $"ONNX Runtime {version} does not serve C API version {OrtApiSlot.ApiVersion}; this binding needs " +
                    "ONNX Runtime 1.17 or newer (run ./setup.sh to install the pinned version).");
            }

            var api = new OrtNativeApi(handle, table, version);
            s_api = api;
            return api;
        }
    }
}
