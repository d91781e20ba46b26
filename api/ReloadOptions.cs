namespace ImageSearch.Api;

/// <summary>Hot reload of the catalog and the index (<c>ImageSearch:Reload</c>).</summary>
public sealed class ReloadOptions
{
    /// <summary>Whether replacing the index or the catalog on disk is picked up without a restart.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quiet time after the last file-system event before a reload starts (a build renames two files).</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the files' length and modification time are compared, for changes the watcher misses.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a replaced index stays open for the searches that started on it before its mapping is released
    /// (a search that still runs then finishes safely; memory is freed when it does).
    /// </summary>
    public TimeSpan ReleaseDelay { get; set; } = TimeSpan.FromSeconds(10);
}
