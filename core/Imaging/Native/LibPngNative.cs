using System.Runtime.InteropServices;

namespace ImageSearch.Core.Imaging.Native;

/// <summary>
/// Bindings to the simplified read API of libpng 1.6 (<c>libpng16.so.16</c>), a stand-in for SkiaSharp/ImageSharp,
/// which this package source lacks. libpng's own setjmp/longjmp error handling stays inside these calls.
/// </summary>
internal static unsafe partial class LibPngNative
{
    private const string Library = "libpng16.so.16";

    public const uint PNG_IMAGE_VERSION = 1;

    public const uint PNG_IMAGE_WARNING = 1;
    public const uint PNG_IMAGE_ERROR = 2;

    public const uint PNG_FORMAT_FLAG_ALPHA = 0x01;
    public const uint PNG_FORMAT_FLAG_COLOR = 0x02;
    public const uint PNG_FORMAT_FLAG_LINEAR = 0x04;
    public const uint PNG_FORMAT_RGB = PNG_FORMAT_FLAG_COLOR;
    public const uint PNG_FORMAT_RGBA = PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA;

    /// <summary>Read 16-bit files without gAMA/sRGB as sRGB-encoded (as browsers and Pillow do), not as linear light.</summary>
    public const uint PNG_IMAGE_FLAG_16BIT_sRGB = 0x04;

    /// <summary>
    /// png_image (png.h): png_controlp opaque; png_uint_32 version, width, height, format, flags, colormap_entries,
    /// warning_or_error; char message[64]. 104 bytes on x64 (100 plus tail padding to the pointer's alignment).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PngImage
    {
        public nint Opaque;
        public uint Version;
        public uint Width;
        public uint Height;
        public uint Format;
        public uint Flags;
        public uint ColormapEntries;
        public uint WarningOrError;
        public fixed byte Message[64];

        public readonly string MessageText
        {
            get
            {
                fixed (byte* message = Message)
                {
                    var length = new ReadOnlySpan<byte>(message, 64).IndexOf((byte)0);
                    return System.Text.Encoding.UTF8.GetString(message, length < 0 ? 64 : length);
                }
            }
        }
    }

    /// <summary>Reads the header. libpng keeps <paramref name="memory"/>: it must stay pinned until png_image_free.</summary>
    [LibraryImport(Library)]
    public static partial int png_image_begin_read_from_memory(PngImage* image, byte* memory, nuint size);

    /// <param name="background">png_const_colorp (3 bytes r, g, b) or null.</param>
    /// <param name="rowStride">In components (bytes for 8-bit formats); negative for bottom-up.</param>
    [LibraryImport(Library)]
    public static partial int png_image_finish_read(PngImage* image, byte* background, byte* buffer, int rowStride, void* colormap);

    [LibraryImport(Library)]
    public static partial void png_image_free(PngImage* image);
}
