using System.CommandLine;
using ImageSearch.Core.Query.Inference;

namespace ImageSearch.Lab;

/// <summary>The model option the experiments share, looked up as build-index looks it up.</summary>
internal static class LabOptions
{
    public static Option<string?> Model() => new("--model")
    {
        Description = $"The prepared feature model (default: {FeatureModelFile.DefaultPath}, looked up from the current folder upwards).",
    };
}
