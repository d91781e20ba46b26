using System.Diagnostics;

namespace ImageSearch.SampleCatalog;

/// <summary>
/// Fetches the upstream dataset's archive to a local file: http(s) URLs are downloaded (streamed, with a few retries
/// of transient failures), <c>file://</c> URLs are copied. The file appears only when complete: it is written beside
/// the target as <c>.part</c> and renamed. An existing target is reused (its photos are checked one by one later).
/// </summary>
public sealed class ArchiveDownloader(HttpClient http, TextWriter log)
{
    public const int Attempts = 3;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Makes <paramref name="destination"/> hold the archive from the first of <paramref name="sources"/> that serves
    /// it (the others are tried in turn when one fails); returns whether it fetched.
    /// </summary>
    public async Task<bool> FetchAsync(IReadOnlyList<Uri> sources, string destination, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sources.Count);
        var failures = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                return await FetchAsync(source, destination, cancellationToken);
            }
            catch (SampleCatalogException e) when (source != sources[^1])
            {
                log.WriteLine($"sample-catalog: {e.Message} Trying the next source.");
                failures.Add(e.Message);
            }
            catch (SampleCatalogException e)
            {
                failures.Add(e.Message);
                throw new SampleCatalogException(string.Join(" ", failures), e);
            }
        }

        throw new UnreachableException();
    }

    /// <summary>Makes <paramref name="destination"/> hold the archive at <paramref name="source"/>; returns whether it fetched.</summary>
    public async Task<bool> FetchAsync(Uri source, string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (File.Exists(destination))
        {
            log.WriteLine($"sample-catalog: using {destination} (downloaded before)");
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        var part = destination + ".part";
        try
        {
            if (source.IsFile)
            {
                log.WriteLine($"sample-catalog: copying {source.LocalPath}");
                await using var input = File.OpenRead(source.LocalPath);
                await using var output = File.Create(part);
                await input.CopyToAsync(output, cancellationToken);
            }
            else if (source.Scheme is "http" or "https")
            {
                await DownloadAsync(source, part, cancellationToken);
            }
            else
            {
                throw new SampleCatalogException($"{source}: only http, https and file URLs can be fetched.");
            }

            File.Move(part, destination, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SampleCatalogException($"{source}: {e.Message}", e);
        }
        finally
        {
            File.Delete(part);
        }
    }

    private async Task DownloadAsync(Uri source, string part, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            log.WriteLine($"sample-catalog: downloading {source}{(attempt > 1 ? $" (attempt {attempt} of {Attempts})" : "")}");
            try
            {
                using var response = await http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    var status = (int)response.StatusCode;
                    var transient = status >= 500 || status is 408 or 429;
                    if (transient && attempt < Attempts)
                    {
                        await Task.Delay(RetryDelay * attempt, cancellationToken);
                        continue;
                    }

                    throw new SampleCatalogException($"{source}: the server answered {status} {response.ReasonPhrase}.");
                }

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using var output = File.Create(part);
                await body.CopyToAsync(output, cancellationToken);
                return;
            }
            catch (HttpRequestException e) when (attempt < Attempts)
            {
                log.WriteLine($"sample-catalog: {e.Message}; trying again");
                await Task.Delay(RetryDelay * attempt, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new SampleCatalogException($"{source}: {e.Message}", e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SampleCatalogException($"{source}: timed out after {http.Timeout.TotalSeconds:0} s.", e);
            }
        }
    }
}
