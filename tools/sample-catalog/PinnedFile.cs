namespace ImageSearch.SampleCatalog;

/// <summary>One pinned file of the sample catalog: its path relative to the catalog's folder and its SHA-256 (lower-case hex).</summary>
public sealed record PinnedFile(string Path, string Sha256);
