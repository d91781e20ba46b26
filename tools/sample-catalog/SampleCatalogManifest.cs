namespace ImageSearch.SampleCatalog;

/// <summary>
/// <c>data/sample-catalog.sha256</c>, in <c>sha256sum</c>'s format (<c>HASH␠␠PATH</c>): the products.csv of the sample
/// catalog and every one of its photos (<c>images/ID.jpg</c>). It both selects the photos taken from the upstream
/// dataset and pins their bytes.
/// </summary>
public sealed class SampleCatalogManifest
{
    public const string CatalogFileName = "products.csv";
    public const string ImagesFolder = "images";

    private SampleCatalogManifest(PinnedFile? catalog, IReadOnlyList<PinnedFile> images)
    {
        Catalog = catalog;
        Images = images;
    }

    /// <summary>The pinned products.csv (of the mirror's copy), when listed.</summary>
    public PinnedFile? Catalog { get; }

    /// <summary>The photos, in the manifest's order.</summary>
    public IReadOnlyList<PinnedFile> Images { get; }

    public static SampleCatalogManifest Read(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, System.IO.Path.GetFileName(path));
    }

    public static SampleCatalogManifest Parse(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        PinnedFile? catalog = null;
        var images = new List<PinnedFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            // sha256sum writes "HASH  PATH" (text mode) or "HASH *PATH" (binary mode).
            var hash = line.Length > 66 ? line[..64] : "";
            if (!IsSha256(hash) || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
            {
                throw new FormatException($"{name}:{number}: expected 'SHA256  PATH' (64 hex digits, two spaces, a path).");
            }

            var file = new PinnedFile(line[66..], hash.ToLowerInvariant());
            if (!seen.Add(file.Path))
            {
                throw new FormatException($"{name}:{number}: {file.Path} is listed twice.");
            }

            if (file.Path == CatalogFileName)
            {
                catalog = file;
            }
            else if (IsImagePath(file.Path))
            {
                images.Add(file);
            }
            else
            {
                throw new FormatException($"{name}:{number}: {file.Path} is neither {CatalogFileName} nor {ImagesFolder}/NAME.jpg.");
            }
        }

        if (images.Count == 0)
        {
            throw new FormatException($"{name} lists no {ImagesFolder}/NAME.jpg files.");
        }

        return new SampleCatalogManifest(catalog, images);
    }

    /// <summary>The upstream image id of a pinned photo: its file name without <c>.jpg</c>.</summary>
    public static string ImageId(PinnedFile image) => System.IO.Path.GetFileNameWithoutExtension(image.Path);

    private static bool IsImagePath(string path) =>
        path.StartsWith(ImagesFolder + "/", StringComparison.Ordinal)
        && path.EndsWith(".jpg", StringComparison.Ordinal)
        && path.Length > ImagesFolder.Length + 5
        && path.IndexOfAny(['/', '\\'], ImagesFolder.Length + 1) < 0
        && !path.Contains("..", StringComparison.Ordinal);

    private static bool IsSha256(string text) =>
        text.Length == 64 && text.All(c => char.IsAsciiHexDigit(c));
}
