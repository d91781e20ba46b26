using System.Runtime.InteropServices;

namespace ImageSearch.Core.Query.Imaging.Native;

/// <summary>
/// Bindings to TurboJPEG 2.x (<c>libturbojpeg.so.0</c>, Debian's libturbojpeg0), the SIMD JPEG decoder that
/// <see cref="TurboJpegDecoder"/> uses where the system has it.
/// A tjhandle is not thread-safe: use one per call (or per thread), never share one.
/// </summary>
internal static unsafe partial class TurboJpegNative
{
    internal const string Library = "libturbojpeg.so.0";

    // enum TJPF
    public const int TJPF_RGB = 0;
    public const int TJPF_GRAY = 6;
    public const int TJPF_CMYK = 11;

    // enum TJCS
    public const int TJCS_RGB = 0;
    public const int TJCS_YCbCr = 1;
    public const int TJCS_GRAY = 2;
    public const int TJCS_CMYK = 3;
    public const int TJCS_YCCK = 4;

    // enum TJSAMP
    public const int TJSAMP_444 = 0;
    public const int TJSAMP_420 = 2;
    public const int TJSAMP_GRAY = 3;

    // enum TJERR
    public const int TJERR_WARNING = 0;
    public const int TJERR_FATAL = 1;

    public const int TJFLAG_ACCURATEDCT = 4096;
    public const int TJFLAG_PROGRESSIVE = 16384;

    /// <summary>Makes progressive JPEGs with more than 500 scans a fatal error (a cheap denial-of-service guard).</summary>
    public const int TJFLAG_LIMITSCANS = 32768;

    /// <summary>typedef struct { int num; int denom; } tjscalingfactor;</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly struct ScalingFactor
    {
        public readonly int Num;
        public readonly int Denom;

        /// <summary>The TJSCALED macro: ceil(dimension * num / denom).</summary>
        public int Scale(int dimension) => (int)((((long)dimension * Num) + Denom - 1) / Denom);
    }

    [LibraryImport(Library)]
    public static partial nint tjInitDecompress();

    [LibraryImport(Library)]
    public static partial nint tjInitCompress();

    [LibraryImport(Library)]
    public static partial int tjDestroy(nint handle);

    // unsigned long is 64-bit on LP64 Linux: nuint.
    [LibraryImport(Library)]
    public static partial int tjDecompressHeader3(
        nint handle, byte* jpegBuf, nuint jpegSize, out int width, out int height, out int jpegSubsamp, out int jpegColorspace);

    [LibraryImport(Library)]
    public static partial ScalingFactor* tjGetScalingFactors(out int numScalingFactors);

    [LibraryImport(Library)]
    public static partial int tjDecompress2(
        nint handle, byte* jpegBuf, nuint jpegSize, byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library)]
    public static partial int tjCompress2(
        nint handle, byte* srcBuf, int width, int pitch, int height, int pixelFormat,
        byte** jpegBuf, nuint* jpegSize, int jpegSubsamp, int jpegQual, int flags);

    [LibraryImport(Library)]
    public static partial void tjFree(byte* buffer);

    /// <summary>Error text of the last call on this handle (thread-local text when handle is null).</summary>
    [LibraryImport(Library)]
    public static partial byte* tjGetErrorStr2(nint handle);

    [LibraryImport(Library)]
    public static partial int tjGetErrorCode(nint handle);

    public static string ErrorText(nint handle) => Marshal.PtrToStringUTF8((nint)tjGetErrorStr2(handle)) ?? "unknown TurboJPEG error";
}
