using System.CommandLine;

namespace ImageSearch.Lab;

/// <summary>The model option the experiments share, looked up as build-index looks it up.</summary>
internal static class LabOptions
{
    public const string DefaultModel = "models/mobilenetv2-12-int8.features.onnx";

    public static Option<string?> Model() => new("--model")
    {
        Description = $"The prepared feature model (default: {DefaultModel}, looked up from the current folder upwards).",
    };

    /// <summary>The given path, or the default model found in the current folder or one of its parents.</summary>
    public static string ResolveModel(string? path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return Path.GetFullPath(path);
        }

        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, DefaultModel);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(DefaultModel);
    }
}
