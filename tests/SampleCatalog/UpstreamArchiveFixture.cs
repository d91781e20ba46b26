using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace ImageSearch.Tests.SampleCatalog;

/// <summary>One photo of a fake upstream archive: its id, upstream label and bytes.</summary>
internal sealed record UpstreamPhoto(string Id, string Label, byte[] Bytes);

/// <summary>
/// Zips photos the way GitHub serves an archive of alexeygrigorev/clothing-dataset (a top folder holding images.csv
/// and images/ID.jpg), and writes a sha256sum manifest pinning chosen photos, in a temporary folder.
/// </summary>
internal sealed class UpstreamArchiveFixture : IDisposable
{
    public UpstreamArchiveFixture()
    {
        Folder = Directory.CreateTempSubdirectory("imagesearch-sample-").FullName;
    }

    public string Folder { get; }

    public string ArchivePath => Path.Combine(Folder, "upstream.zip");

    public string ManifestPath => Path.Combine(Folder, "sample-catalog.sha256");

    public string OutputFolder => Path.Combine(Folder, "data");

    /// <summary>The mirror's sample catalog: products.csv rows (id, name, category, price, image id) and their photos.</summary>
    public static IReadOnlyList<(string Id, string Name, string Category, string Price, string ImageId)> MirrorProducts() =>
        File.ReadLines(Path.Combine(TestData.DatasetsFolder, "clothing", "products.csv")).Skip(1).Select(line =>
        {
            var f = line.Split(',');
            return (f[0], f[1], f[2], f[3], Path.GetFileNameWithoutExtension(f[4]));
        }).ToList();

    public static byte[] MirrorPhoto(string imageId) => File.ReadAllBytes(Path.Combine(TestData.DatasetsFolder, "clothing", "images", imageId + ".jpg"));

    public void WriteArchive(IEnumerable<UpstreamPhoto> photos, string topFolder = "clothing-dataset-7ed86a9cc56763b6acb35e41cb35184e43a5d218/")
    {
        using var zip = ZipFile.Open(ArchivePath, ZipArchiveMode.Create);
        var metadata = new StringBuilder("image,sender_id,label,kids\n");
        foreach (var photo in photos)
        {
            metadata.Append(photo.Id).Append(",7,").Append(photo.Label).Append(",False\n");
            using var entry = zip.CreateEntry($"{topFolder}images/{photo.Id}.jpg", CompressionLevel.NoCompression).Open();
            entry.Write(photo.Bytes);
        }

        using var csv = new StreamWriter(zip.CreateEntry(topFolder + "images.csv").Open());
        csv.Write(metadata.ToString());
    }

    /// <summary>Pins <paramref name="photos"/> (by the SHA-256 of the given bytes) and, when given, a products.csv hash.</summary>
    public void WriteManifest(IEnumerable<UpstreamPhoto> photos, string? productsCsvSha256 = null)
    {
        var lines = new List<string>();
        if (productsCsvSha256 is not null)
        {
            lines.Add($"{productsCsvSha256}  products.csv");
        }

        lines.AddRange(photos.Select(p => $"{Convert.ToHexStringLower(SHA256.HashData(p.Bytes))}  images/{p.Id}.jpg"));
        File.WriteAllText(ManifestPath, string.Join('\n', lines) + "\n");
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
