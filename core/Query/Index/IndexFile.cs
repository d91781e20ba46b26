namespace ImageSearch.Core.Query.Index;

/// <summary>An index as stored: <c>index.csv</c> and <c>index.csv.meta.json</c>, checked against each other.</summary>
public sealed record IndexFile(string Path, IndexMetadata Metadata, StoredVectors Vectors)
{
    /// <summary>
    /// Loads and cross-checks an index. Throws <see cref="IndexFormatException"/> when either file is missing or malformed,
    /// or when they do not belong together (e.g. a build replaced one and not yet the other).
    /// </summary>
    public static IndexFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new IndexFormatException($"{path} does not exist. Build it with 'build-index build'.");
        }

        var metadata = IndexMetadata.Read(path);
        var length = new FileInfo(path).Length;
        if (length != metadata.IndexBytes)
        {
            throw new IndexFormatException($"{path} is {length} bytes but its metadata says {metadata.IndexBytes}: the two files are from different builds.");
        }

        var vectors = IndexCsvReader.Read(path);
        if (vectors.Dimension != metadata.Dimension || vectors.Count != metadata.RowCount)
        {
            throw new IndexFormatException(
                $"{path} holds {vectors.Count} rows of {vectors.Dimension} components; its metadata says {metadata.RowCount} of {metadata.Dimension}.");
        }

        var i = 0;
        foreach (var id in metadata.ImageSha256.Keys)
        {
            if (!string.Equals(id, vectors.Ids[i], StringComparison.Ordinal))
            {
                throw new IndexFormatException($"{path}: row {i + 1} is '{vectors.Ids[i]}' but its metadata lists '{id}' there.");
            }

            i++;
        }

        return new IndexFile(path, metadata, vectors);
    }
}
