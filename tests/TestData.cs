namespace ImageSearch.Tests;

/// <summary>
/// Locates the shared, read-only test data (models, datasets) that lives beside the repository, not in it.
/// The environment variable IMAGESEARCH_MIRROR, when set, names that folder (or a folder holding it as
/// <c>shared/</c>); otherwise it is the <c>shared</c> folder found by walking up from the test binaries to a folder
/// that contains <c>shared/models</c> (CI checks the repository out at X/main beside X/shared).
/// </summary>
public static class TestData
{
    public const string MirrorVariable = "IMAGESEARCH_MIRROR";

    private static readonly Lazy<string> Shared = new(FindSharedFolder);

    /// <summary>The shared data folder; throws <see cref="DirectoryNotFoundException"/> saying how to get it.</summary>
    public static string SharedFolder => Shared.Value;

    public static string ModelsFolder => Path.Combine(SharedFolder, "models");

    public static string DatasetsFolder => Path.Combine(SharedFolder, "datasets");

    private static string FindSharedFolder()
    {
        var mirror = Environment.GetEnvironmentVariable(MirrorVariable);
        if (!string.IsNullOrWhiteSpace(mirror))
        {
            if (Directory.Exists(Path.Combine(mirror, "models")))
            {
                return Path.GetFullPath(mirror);
            }

            if (Directory.Exists(Path.Combine(mirror, "shared", "models")))
            {
                return Path.GetFullPath(Path.Combine(mirror, "shared"));
            }

            throw new DirectoryNotFoundException(
                $"{MirrorVariable}={mirror} holds neither models/ nor shared/models/.");
        }

        var tried = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            tried.Add(candidate);
            if (Directory.Exists(Path.Combine(candidate, "models")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No shared test data folder (a 'shared' folder with models/) above {AppContext.BaseDirectory}. " +
            $"Set {MirrorVariable} to it, or run ./setup.sh. Tried: {string.Join(", ", tried)}");
    }
}
