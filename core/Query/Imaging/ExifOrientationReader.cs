using System.Buffers.Binary;

namespace ImageSearch.Core.Query.Imaging;

/// <summary>
/// Finds the EXIF Orientation tag (0x0112 in IFD0) in JPEG APP1 "Exif\0\0" segments, PNG <c>eXIf</c> chunks and
/// WebP <c>EXIF</c> chunks. Every offset is bounds-checked: malformed or hostile data reads as orientation 1.
/// </summary>
public static class ExifOrientationReader
{
    private const ushort OrientationTag = 0x0112;

    /// <summary>Returns the orientation (1 to 8) of <paramref name="data"/>; 1 when absent, unknown or unreadable.</summary>
    public static int Read(ReadOnlySpan<byte> data) => Read(ImageFormatDetector.Detect(data), data);

    public static int Read(ImageFormat format, ReadOnlySpan<byte> data) => format switch
    {
        ImageFormat.Jpeg => FromJpeg(data),
        ImageFormat.Png => FromPng(data),
        ImageFormat.Webp => FromWebp(data),
        _ => 1,
    };

    /// <summary>Reads the orientation from a TIFF structure (the payload of an EXIF block, after any "Exif\0\0").</summary>
    public static int FromTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return 1;
        }

        bool bigEndian;
        if (tiff[0] == 'I' && tiff[1] == 'I')
        {
            bigEndian = false;
        }
        else if (tiff[0] == 'M' && tiff[1] == 'M')
        {
            bigEndian = true;
        }
        else
        {
            return 1;
        }

        if (U16(tiff, 2, bigEndian) != 42)
        {
            return 1;
        }

        var ifd = U32(tiff, 4, bigEndian);
        if (ifd < 8 || ifd > (uint)tiff.Length - 2)
        {
            return 1;
        }

        var offset = (int)ifd;
        int entries = U16(tiff, offset, bigEndian);
        offset += 2;
        for (var i = 0; i < entries && offset <= tiff.Length - 12; i++, offset += 12)
        {
            if (U16(tiff, offset, bigEndian) != OrientationTag)
            {
                continue;
            }

            var type = U16(tiff, offset + 2, bigEndian);
            var count = U32(tiff, offset + 4, bigEndian);
            if (count < 1)
            {
                return 1;
            }

            // SHORT as the standard says; LONG from sloppy writers. Both sit in the entry's 4-byte value field.
            long value = type switch
            {
                3 => U16(tiff, offset + 8, bigEndian),
                4 => U32(tiff, offset + 8, bigEndian),
                _ => 1,
            };
            return value is >= 1 and <= 8 ? (int)value : 1;
        }

        return 1;
    }

    private static int FromExifPayload(ReadOnlySpan<byte> payload) =>
        FromTiff(payload.StartsWith("Exif\0\0"u8) ? payload[6..] : payload);

    private static int FromJpeg(ReadOnlySpan<byte> data)
    {
        var offset = 2; // after SOI
        while (offset <= data.Length - 4)
        {
            if (data[offset] != 0xFF)
            {
                return 1;
            }

            var marker = data[offset + 1];
            if (marker == 0xFF)
            {
                offset++; // fill byte
                continue;
            }

            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                offset += 2; // standalone markers carry no length
                continue;
            }

            if (marker is 0xDA or 0xD9)
            {
                return 1; // start of scan or end of image: metadata is over
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 2, 2));
            if (length < 2 || length > data.Length - offset - 2)
            {
                return 1;
            }

            var segment = data.Slice(offset + 4, length - 2);
            if (marker == 0xE1 && segment.StartsWith("Exif\0\0"u8))
            {
                return FromTiff(segment[6..]);
            }

            offset += 2 + length;
        }

        return 1;
    }

    private static int FromPng(ReadOnlySpan<byte> data)
    {
        var offset = 8; // after the signature
        while (offset <= data.Length - 12)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset, 4));
            var type = data.Slice(offset + 4, 4);
            if (length > (uint)(data.Length - offset - 12))
            {
                return 1;
            }

            if (type.SequenceEqual("eXIf"u8))
            {
                return FromExifPayload(data.Slice(offset + 8, (int)length));
            }

            if (type.SequenceEqual("IEND"u8))
            {
                return 1;
            }

            offset += 12 + (int)length;
        }

        return 1;
    }

    private static int FromWebp(ReadOnlySpan<byte> data)
    {
        var offset = 12; // after "RIFF" size "WEBP"
        while (offset <= data.Length - 8)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset + 4, 4));
            if (size > (uint)(data.Length - offset - 8))
            {
                return 1;
            }

            if (data.Slice(offset, 4).SequenceEqual("EXIF"u8))
            {
                return FromExifPayload(data.Slice(offset + 8, (int)size));
            }

            offset += 8 + (int)size + (int)(size & 1); // chunks are padded to even sizes
        }

        return 1;
    }

    private static ushort U16(ReadOnlySpan<byte> data, int offset, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset, 2))
        : BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(offset, 2));

    private static uint U32(ReadOnlySpan<byte> data, int offset, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset, 4));
}
