namespace ImageSearch.Core.IO;

/// <summary>
/// Writes a file so that readers only ever see the old or the complete new content: the bytes go to a temporary file
/// in the same folder, are flushed to disk, and the file is renamed over the target. Disposing without
/// <see cref="Commit"/> deletes the temporary file and leaves the target untouched (a crash or Ctrl-C loses nothing).
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly FileStream _stream;
    private bool _committed;

    private AtomicFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        TemporaryPath = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        _stream = new FileStream(TemporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    public string Path { get; }

    public string TemporaryPath { get; }

    public Stream Stream => _stream;

    public static AtomicFile Create(string path) => new(path);

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = Create(path);
        file.Stream.Write(bytes);
        file.Commit();
    }

    /// <summary>Flushes to disk and renames the temporary file over <see cref="Path"/>.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(TemporaryPath, Path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        _stream.Dispose();
        File.Delete(TemporaryPath);
    }
}
