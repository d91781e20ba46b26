using System.Runtime.InteropServices;

namespace ImageSearch.Core.Imaging.Native;

/// <summary>
/// Bindings to libwebp's simple decoding API (<c>libwebp.so.7</c>, libwebp 1.2), a stand-in for
/// SkiaSharp/ImageSharp, which this package source lacks.
/// </summary>
internal static unsafe partial class LibWebpNative
{
    private const string Library = "libwebp.so.7";

    /// <summary>WEBP_DECODER_ABI_VERSION of libwebp 1.2 (decode.h); the library accepts any with the same major byte.</summary>
    public const int WEBP_DECODER_ABI_VERSION = 0x0209;

    public const int VP8_STATUS_OK = 0;
    public const int VP8_STATUS_UNSUPPORTED_FEATURE = 4;
    public const int VP8_STATUS_NOT_ENOUGH_DATA = 7;

    /// <summary>struct WebPBitstreamFeatures: five ints and uint32_t pad[5]; 40 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BitstreamFeatures
    {
        public int Width;
        public int Height;
        public int HasAlpha;
        public int HasAnimation;

        /// <summary>0 undefined/mixed, 1 lossy, 2 lossless.</summary>
        public int Format;
        public fixed uint Pad[5];
    }

    /// <summary>Returns a VP8StatusCode.</summary>
    [LibraryImport(Library)]
    public static partial int WebPGetFeaturesInternal(byte* data, nuint dataSize, BitstreamFeatures* features, int version);

    /// <summary>Decodes into a caller buffer as non-premultiplied RGBA; returns <paramref name="output"/>, or null on failure.</summary>
    [LibraryImport(Library)]
    public static partial byte* WebPDecodeRGBAInto(byte* data, nuint dataSize, byte* output, nuint outputSize, int outputStride);

    [LibraryImport(Library)]
    public static partial byte* WebPDecodeRGBInto(byte* data, nuint dataSize, byte* output, nuint outputSize, int outputStride);

    [LibraryImport(Library)]
    public static partial void WebPFree(void* ptr);
}
