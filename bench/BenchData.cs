namespace ImageSearch.Bench;

/// <summary>Where the benchmarks find the model and photos: the mirror folder laid out like ../shared.</summary>
public static class BenchData
{
    public static string SharedFolder
    {
        get
        {
            var mirror = Environment.GetEnvironmentVariable("IMAGESEARCH_MIRROR");
            if (!string.IsNullOrEmpty(mirror) && Directory.Exists(Path.Combine(mirror, "models")))
            {
                return Path.GetFullPath(mirror);
            }

            foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            {
                for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                {
                    var candidate = Path.Combine(directory.FullName, "shared");
                    if (Directory.Exists(Path.Combine(candidate, "models")))
                    {
                        return candidate;
                    }
                }
            }

            throw new DirectoryNotFoundException("No mirror folder: set IMAGESEARCH_MIRROR to a folder laid out like ../shared.");
        }
    }

    /// <summary>The prepared model from ./setup.sh, found from the current folder upwards.</summary>
    public static string PreparedModel
    {
        get
        {
            for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "models", "mobilenetv2-12-int8.features.onnx");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("models/mobilenetv2-12-int8.features.onnx not found: run ./setup.sh and the benchmarks from the repository.");
        }
    }

    public static IReadOnlyList<byte[]> ClothingPhotos(int count) =>
        Directory.EnumerateFiles(Path.Combine(SharedFolder, "datasets", "clothing", "images"), "*.jpg")
            .Order(StringComparer.Ordinal)
            .Take(count)
            .Select(File.ReadAllBytes)
            .ToList();

    /// <summary>One of the shared test photos (models/images).</summary>
    public static byte[] SharedPhoto(string name) => File.ReadAllBytes(Path.Combine(SharedFolder, "models", "images", name));
}
