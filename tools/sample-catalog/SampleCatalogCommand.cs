using System.CommandLine;
using ImageSearch.Core.Query.Imaging;

namespace ImageSearch.SampleCatalog;

/// <summary>
/// <c>sample-catalog</c> (./setup.sh and the API image run it when no mirror is given): downloads the upstream clothing dataset
/// at the pinned commit, takes the photos <c>data/sample-catalog.sha256</c> pins (each checked) and derives products.csv.
/// </summary>
internal static class SampleCatalogCommand
{
    // Exit codes, as build-index uses them: scripts rely on them.
    private const int Success = 0;
    private const int Failed = 1;
    private const int UnusableInput = 2;
    private const int Cancelled = 130;

    /// <summary>
    /// The CC0 clothing dataset at the commit the sample was drawn from. The mirror's README gives its first eight
    /// digits (7ed86a9c); the full hash is the one a published preparation report of the same dataset names.
    /// </summary>
    public const string UpstreamCommit = "7ed86a9cc56763b6acb35e41cb35184e43a5d218";

    /// <summary>GitHub's archive of that commit, by full hash, then by the short hash GitHub also resolves.</summary>
    public static readonly IReadOnlyList<Uri> DefaultSources =
    [
        new($"https://github.com/alexeygrigorev/clothing-dataset/archive/{UpstreamCommit}.zip"),
        new($"https://github.com/alexeygrigorev/clothing-dataset/archive/{UpstreamCommit[..8]}.zip"),
    ];

    public static RootCommand Create()
    {
        var source = new Option<Uri?>("--source")
        {
            Description = "The dataset's archive: an http(s) or file:// URL laid out like GitHub's archive of the repository (default: the pinned commit on GitHub).",
            CustomParser = result => Uri.TryCreate(result.Tokens.Single().Value, UriKind.Absolute, out var uri) ? uri : ParseError(result),
        };
        var archive = new Option<FileInfo>("--archive")
        {
            Description = "Where the downloaded archive is kept (reused when present).",
            DefaultValueFactory = _ => new FileInfo($".cache/clothing-dataset-{UpstreamCommit[..12]}.zip"),
        };
        var manifest = new Option<FileInfo>("--manifest")
        {
            Description = "The photos to take and their SHA-256 (sha256sum format).",
            DefaultValueFactory = _ => new FileInfo("data/sample-catalog.sha256"),
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "The catalog's folder: products.csv and images/ are written there.",
            DefaultValueFactory = _ => new DirectoryInfo("data"),
        };
        var command = new RootCommand("Make the 1,331-photo sample catalog (data/products.csv, data/images/) from the upstream CC0 clothing dataset.")
        {
            source, archive, manifest, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var pinned = SampleCatalogManifest.Read(parse.GetRequiredValue(manifest).FullName);
                using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
                var archivePath = parse.GetRequiredValue(archive).FullName;
                await new ArchiveDownloader(http, Console.Out).FetchAsync(
                    parse.GetValue(source) is { } given ? [given] : DefaultSources, archivePath, cancellationToken);
                using var upstream = UpstreamArchive.Open(archivePath);
                new SampleCatalogBuilder(new ImageDecoder(), Console.Out).Build(pinned, upstream, parse.GetRequiredValue(output).FullName, cancellationToken);
                return Success;
            }
            catch (SampleCatalogException e)
            {
                return Report(Failed, e.Message);
            }
            catch (FormatException e)
            {
                return Report(UnusableInput, e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Report(UnusableInput, e.Message);
            }
            catch (OperationCanceledException)
            {
                return Cancelled;
            }
        });
        return command;
    }

    /// <summary>One line on stderr, prefixed with the tool's name.</summary>
    private static int Report(int exitCode, string message)
    {
        Console.Error.WriteLine($"sample-catalog: {message}");
        return exitCode;
    }

    private static Uri? ParseError(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"--source must be an absolute URL (https://..., file:///...), not '{result.Tokens.Single().Value}'.");
        return null;
    }
}
