using System.CommandLine;
using ImageSearch.Core.Build.ModelPreparation;

namespace ImageSearch.BuildIndex.Commands;

/// <summary><c>prepare-model --in released.onnx --out features.onnx</c>: cuts a classifier at its pooled features.</summary>
internal static class PrepareModelCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--in") { Description = "The released classifier (.onnx).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the feature model (written atomically).", Required = true };
        var featureMap = new Option<bool>("--feature-map")
        {
            Description = "Output the last feature map itself as 'feature_map' [batch, channels, H, W], to be pooled by the engine (Pooling: gem-p3, rmac).",
        };
        var command = new Command("prepare-model", "Cut an ImageNet CNN classifier at its global average pooling, so it outputs 'features' [batch, channels].")
        {
            input,
            output,
            featureMap,
        };
        command.SetAction(parse =>
        {
            var source = parse.GetRequiredValue(input);
            var destination = parse.GetRequiredValue(output);
            if (!source.Exists)
            {
                return Failure.Report("prepare-model", ExitCodes.UnusableInput, $"{source.FullName} does not exist. Run ./setup.sh to fetch the model.");
            }

            try
            {
                var info = FeatureModelPreparer.PrepareFile(source.FullName, destination.FullName,
                    parse.GetValue(featureMap) ? FeatureModelOutput.FeatureMap : FeatureModelOutput.Pooled);
                Console.WriteLine(
                    $"prepare-model: wrote {destination.FullName}: input '{info.InputName}', output '{info.OutputName}' " +
                    $"[batch, {info.Dimension?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}{(info.OutputName == FeatureModelPreparer.FeatureMapOutputName ? ", H, W" : "")}], cut at {info.CutAt}, {info.NodesRemoved} classifier node(s) removed.");
                return ExitCodes.Success;
            }
            catch (ModelPreparationException e)
            {
                return Failure.Report("prepare-model", ExitCodes.UnusableInput, $"{source.Name}: {e.Message}");
            }
        });
        return command;
    }
}
