using System.IO.Compression;
using CsvHelper;

namespace ImageSearch.SampleCatalog;

/// <summary>
/// The upstream clothing dataset as GitHub serves a commit's archive: one top folder
/// (<c>clothing-dataset-COMMIT/</c>) holding <c>images.csv</c> (<c>image,sender_id,label,kids</c>) and
/// <c>images/ID.jpg</c>. A zip whose files sit at its root is read the same way.
/// </summary>
public sealed class UpstreamArchive : IDisposable
{
    public const string MetadataFileName = "images.csv";

    private readonly ZipArchive _zip;
    private readonly string _root;

    private UpstreamArchive(ZipArchive zip, string root, IReadOnlyDictionary<string, string> labels)
    {
        _zip = zip;
        _root = root;
        Labels = labels;
    }

    /// <summary>Each image id's upstream label (its category).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    public static UpstreamArchive Open(string path)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new SampleCatalogException($"{path} is not a zip archive ({e.Message}); remove it and download it again.", e);
        }

        try
        {
            var metadata = zip.Entries
                .Where(e => e.Name == MetadataFileName && e.FullName.Count(c => c == '/') <= 1)
                .OrderBy(e => e.FullName.Length)
                .FirstOrDefault()
                ?? throw new SampleCatalogException($"{path} has no {MetadataFileName} at its root or in its top folder: it is not the clothing dataset.");
            var root = metadata.FullName[..^MetadataFileName.Length];
            using var reader = new StreamReader(metadata.Open());
            return new UpstreamArchive(zip, root, ReadLabels(reader, $"{path}:{metadata.FullName}"));
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of <c>images/ID.jpg</c>, or null when the archive lacks it.</summary>
    public byte[]? ReadImage(string imagePath)
    {
        var entry = _zip.GetEntry(_root + imagePath);
        if (entry is null)
        {
            return null;
        }

        using var stream = entry.Open();
        var bytes = new byte[entry.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    internal static Dictionary<string, string> ReadLabels(TextReader text, string name)
    {
        using var csv = CsvReader.Create(text, new CsvReaderOptions { TrackLineNumbers = true, SkipEmptyLines = true }, leaveOpen: true);
        var columns = csv.Headers?.ToList() ?? [];
        int image = columns.IndexOf("image"), label = columns.IndexOf("label");
        if (image < 0 || label < 0)
        {
            throw new SampleCatalogException($"{name}: expected the columns image and label, found {string.Join(",", columns)}.");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var id = csv.GetString(image).Trim();
            if (id.Length > 0 && !labels.TryAdd(id, csv.GetString(label).Trim()))
            {
                throw new SampleCatalogException($"{name}:{csv.LineNumber}: image {id} is listed twice.");
            }
        }

        return labels;
    }

    public void Dispose() => _zip.Dispose();
}
