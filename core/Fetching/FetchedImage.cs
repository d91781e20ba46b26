namespace ImageSearch.Core.Fetching;

/// <param name="Content">The response body, at most <see cref="ImageFetcherOptions.MaxBytes"/> long.</param>
/// <param name="FinalUrl">The URL the bytes came from, after redirects.</param>
/// <param name="ContentType">The type the server declared; informational only (decoders detect the format from the bytes).</param>
public sealed record FetchedImage(ReadOnlyMemory<byte> Content, Uri FinalUrl, string? ContentType);
