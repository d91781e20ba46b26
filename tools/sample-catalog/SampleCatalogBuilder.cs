using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ImageSearch.Core.IO;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.SampleCatalog;

/// <summary>
/// Makes the sample catalog from the upstream dataset: the photos the manifest pins are taken from the archive, each
/// checked against its SHA-256 before it is written to <c>images/</c>; products.csv is then derived from them —
/// category from the upstream label, name from the colour at the photo's centre and the category, price from the
/// category's range — sorted by category and image id and numbered C0001, C0002... Nothing is written to
/// products.csv unless every photo is present and intact.
/// </summary>
public sealed class SampleCatalogBuilder(IImageDecoder decoder, TextWriter log)
{
    private const int MaxListedProblems = 5;

    public SampleCatalogResult Build(SampleCatalogManifest manifest, UpstreamArchive archive, string outputFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(archive);
        var photos = ExtractPhotos(manifest, archive, outputFolder, out var written, cancellationToken);

        var names = new string[photos.Count];
        Parallel.For(0, photos.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            try
            {
                using var image = decoder.Decode(photos[i].Bytes);
                names[i] = GarmentColour.Name(image);
            }
            catch (ImageDecodeException e)
            {
                throw new SampleCatalogException($"{photos[i].Path}: {e.Message}", e);
            }
        });

        var products = photos
            .Select((photo, i) => (photo, colour: names[i]))
            .OrderBy(p => p.photo.Category, StringComparer.Ordinal)
            .ThenBy(p => p.photo.Id, StringComparer.Ordinal)
            .Select((p, i) => new SampleProduct(
                string.Create(CultureInfo.InvariantCulture, $"C{i + 1:D4}"),
                $"{p.colour} {p.photo.Category}",
                p.photo.Category,
                CategoryPrice.For(p.photo.Category, p.photo.Id),
                p.photo.Path))
            .ToList();

        var csv = Encoding.UTF8.GetBytes(ToCsv(products));
        var catalogPath = Path.Combine(outputFolder, SampleCatalogManifest.CatalogFileName);
        AtomicFile.WriteAllBytes(catalogPath, csv);
        var matches = manifest.Catalog is { } pinned && Convert.ToHexStringLower(SHA256.HashData(csv)) == pinned.Sha256;
        log.WriteLine($"sample-catalog: wrote {catalogPath}: {products.Count} products in {products.Select(p => p.Category).Distinct().Count()} categories" +
            (matches ? " (identical to the published sample's)" : ""));
        return new SampleCatalogResult(products, written, catalogPath, matches);
    }

    /// <summary>products.csv as the sample publishes it: a header, LF line ends, fields quoted only when they must be.</summary>
    public static string ToCsv(IEnumerable<SampleProduct> products)
    {
        var text = new StringBuilder("id,name,category,price,image_url\n");
        foreach (var p in products)
        {
            text.Append(Field(p.Id)).Append(',').Append(Field(p.Name)).Append(',').Append(Field(p.Category)).Append(',')
                .Append(p.Price.ToString("0.00", CultureInfo.InvariantCulture)).Append(',').Append(Field(p.ImageUrl)).Append('\n');
        }

        return text.ToString();
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private List<Photo> ExtractPhotos(SampleCatalogManifest manifest, UpstreamArchive archive, string outputFolder, out int written, CancellationToken cancellationToken)
    {
        var photos = new List<Photo>(manifest.Images.Count);
        var problems = new List<string>();
        written = 0;
        foreach (var pinned in manifest.Images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = SampleCatalogManifest.ImageId(pinned);
            if (!archive.Labels.TryGetValue(id, out var label))
            {
                problems.Add($"{pinned.Path}: not in the archive's {UpstreamArchive.MetadataFileName}");
                continue;
            }

            var bytes = archive.ReadImage(pinned.Path);
            if (bytes is null)
            {
                problems.Add($"{pinned.Path}: not in the archive");
                continue;
            }

            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (actual != pinned.Sha256)
            {
                problems.Add($"{pinned.Path}: SHA-256 {actual}, expected {pinned.Sha256}");
                continue;
            }

            var target = Path.Combine(outputFolder, pinned.Path);
            if (!HasBytes(target, pinned.Sha256))
            {
                AtomicFile.WriteAllBytes(target, bytes);
                written++;
            }

            photos.Add(new Photo(id, label, pinned.Path, bytes));
        }

        if (problems.Count > 0)
        {
            throw new SampleCatalogException(
                $"{problems.Count} of the {manifest.Images.Count} pinned photos are missing or differ, so products.csv was not written: " +
                string.Join("; ", problems.Take(MaxListedProblems)) + (problems.Count > MaxListedProblems ? "; ..." : "") +
                ". Is the archive the pinned commit of the dataset?");
        }

        log.WriteLine($"sample-catalog: {manifest.Images.Count} photos verified (SHA-256), {written} written to {Path.Combine(outputFolder, SampleCatalogManifest.ImagesFolder)}");
        return photos;
    }

    private static bool HasBytes(string path, string sha256)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream)) == sha256;
    }

    private sealed record Photo(string Id, string Category, string Path, byte[] Bytes);
}
