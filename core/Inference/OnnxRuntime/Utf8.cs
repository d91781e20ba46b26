using System.Runtime.InteropServices;

namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>Null-terminated UTF-8 strings to and from native memory.</summary>
internal static unsafe class Utf8
{
    public static string? ToString(byte* p) => p == null ? null : Marshal.PtrToStringUTF8((nint)p);

    /// <summary>Allocates a null-terminated UTF-8 copy with <see cref="Marshal.StringToCoTaskMemUTF8"/>;
    /// free it with <see cref="Marshal.FreeCoTaskMem"/>.</summary>
    public static nint Allocate(string s) => Marshal.StringToCoTaskMemUTF8(s);

    /// <summary>A null-terminated UTF-8 copy in a managed array, for <c>fixed</c> blocks.</summary>
    public static byte[] ToNullTerminated(string s)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(s) + 1];
        System.Text.Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
