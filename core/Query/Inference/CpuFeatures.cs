using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace ImageSearch.Core.Query.Inference;

/// <summary>Processor features that change how ONNX Runtime should run int8 models.</summary>
public static class CpuFeatures
{
    private static readonly Lazy<bool> Vnni = new(DetectVnni);

    /// <summary>
    /// Whether the processor has VNNI (AVX-512 VNNI or AVX-VNNI), the int8 dot-product instructions. Without it, ONNX
    /// Runtime's fast x64 u8s8 kernels sum pairs of products in saturating 16-bit arithmetic, which distorts the
    /// features of models quantised with full-range int8 weights.
    /// </summary>
    public static bool HasVnni => Vnni.Value;

    public static bool IsX64 => RuntimeInformation.ProcessArchitecture == Architecture.X64;

    private static bool DetectVnni()
    {
        if (AvxVnni.IsSupported)
        {
            return true;
        }

        try
        {
            // .NET exposes no AVX-512 VNNI check; Linux lists it among the CPU flags.
            return File.Exists("/proc/cpuinfo")
                && File.ReadLines("/proc/cpuinfo").Any(line => line.StartsWith("flags", StringComparison.Ordinal)
                    && line.Split(' ').Any(flag => flag is "avx512_vnni" or "avx_vnni"));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
