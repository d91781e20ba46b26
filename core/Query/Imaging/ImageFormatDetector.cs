namespace ImageSearch.Core.Query.Imaging;

/// <summary>Recognises a container format from its leading bytes (magic numbers), never from a declared type.</summary>
public static class ImageFormatDetector
{
    /// <summary>The fewest bytes <see cref="Detect"/> needs to recognise every format it knows.</summary>
    public const int MinimumLength = 12;

    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> PngMagic => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> IcoMagic => [0, 0, 1, 0];

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(JpegMagic))
        {
            return ImageFormat.Jpeg;
        }

        if (data.StartsWith(PngMagic))
        {
            return ImageFormat.Png;
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormat.Webp;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            return ImageFormat.Tiff;
        }

        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return DetectIsoBmff(data);
        }

        if (data.Length >= 14 && data.StartsWith("BM"u8))
        {
            return ImageFormat.Bmp;
        }

        // ICONDIR: reserved 0, type 1 (icon), at least one image.
        if (data.Length >= 6 && data.StartsWith(IcoMagic) && (data[4] | data[5]) != 0)
        {
            return ImageFormat.Ico;
        }

        return LooksLikeSvg(data) ? ImageFormat.Svg : ImageFormat.Unknown;
    }

    private static ImageFormat DetectIsoBmff(ReadOnlySpan<byte> data)
    {
        // ftyp box: size (BE), "ftyp", major brand, minor version, compatible brands up to the box's end.
        var boxSize = (uint)((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]);
        var end = (int)Math.Min(boxSize is >= 16 ? boxSize : 16u, (uint)data.Length);
        var major = data.Slice(8, 4);
        if (IsAvifBrand(major))
        {
            return ImageFormat.Avif;
        }

        if (IsHeicBrand(major))
        {
            return ImageFormat.Heic;
        }

        var heic = false;
        for (var offset = 16; offset + 4 <= end; offset += 4)
        {
            var brand = data.Slice(offset, 4);
            if (IsAvifBrand(brand))
            {
                return ImageFormat.Avif;
            }

            heic |= IsHeicBrand(brand) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8);
        }

        // mif1/msf1 as the major brand: a HEIF still image unless an AVIF brand said otherwise.
        return heic || major.SequenceEqual("mif1"u8) || major.SequenceEqual("msf1"u8) ? ImageFormat.Heic : ImageFormat.Unknown;
    }

    private static bool IsAvifBrand(ReadOnlySpan<byte> brand) => brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8);

    private static bool IsHeicBrand(ReadOnlySpan<byte> brand) =>
        brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("hevc"u8) ||
        brand.SequenceEqual("hevx"u8) || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8);

    private static bool LooksLikeSvg(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(Utf8Bom))
        {
            data = data[3..];
        }

        var start = 0;
        while (start < data.Length && start < 1024 && data[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        data = data[start..];
        return data.StartsWith("<?xml"u8) || data.StartsWith("<svg"u8);
    }
}
