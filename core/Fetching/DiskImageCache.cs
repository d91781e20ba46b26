using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace ImageSearch.Core.Fetching;

/// <summary>
/// Fetched images on disk, one file per URL named by the SHA-256 of the URL (without its fragment), so that a
/// rebuild of the index does not download again. Files are written to a temporary name and renamed into place:
/// readers see a whole file or none. Safe for concurrent use, also across processes.
/// </summary>
public sealed class DiskImageCache
{
    private const string TempSuffix = ".tmp";

    public DiskImageCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public bool TryGet(Uri url, [NotNullWhen(true)] out byte[]? content)
    {
        try
        {
            content = File.ReadAllBytes(PathFor(url));
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            content = null;
            return false;
        }
    }

    /// <summary>Stores the bytes, creating the folder on first use (a catalog without URLs leaves no trace).</summary>
    public void Put(Uri url, ReadOnlySpan<byte> content)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathFor(url);
        var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The file that holds (or would hold) <paramref name="url"/>'s bytes.</summary>
    public string PathFor(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var key = url.IsAbsoluteUri ? url.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.Fragment, UriFormat.UriEscaped) : url.OriginalString;
        return Path.Combine(Directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
    }
}
