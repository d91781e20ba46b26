namespace ImageSearch.Core.Catalog;

/// <summary>Where a catalog image lives: a local file or an http(s) URL.</summary>
public sealed record ImageLocation
{
    private ImageLocation(string? filePath, Uri? url)
    {
        FilePath = filePath;
        Url = url;
    }

    public string? FilePath { get; }

    public Uri? Url { get; }

    public bool IsRemote => Url is not null;

    public static ImageLocation Local(string path) => new(path, null);

    public static ImageLocation Remote(Uri url) => new(null, url);

    public override string ToString() => FilePath ?? Url!.GetLeftPart(UriPartial.Path);
}
