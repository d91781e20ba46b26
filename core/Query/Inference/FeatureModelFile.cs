namespace ImageSearch.Core.Query.Inference;

/// <summary>Where the prepared feature model is found when no path is given (./setup.sh puts it there).</summary>
public static class FeatureModelFile
{
    /// <summary>The default path, relative to the repository (or the image's /app).</summary>
    public const string DefaultPath = "models/mobilenetv2-12-int8.features.onnx";

    /// <summary>The given path, or <see cref="DefaultPath"/> found in the current folder or one of its parents.</summary>
    public static string Resolve(string? path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return Path.GetFullPath(path);
        }

        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, DefaultPath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(DefaultPath);
    }
}
