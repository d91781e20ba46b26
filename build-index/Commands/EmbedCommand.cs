using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ImageSearch.Core.Query.Embedding;
using ImageSearch.Core.Query.Imaging;
using ImageSearch.Core.Query.Inference;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.BuildIndex.Commands;

/// <summary><c>embed IMAGE [--json]</c>: prints the L2-normalised embedding of one image.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("IMAGE") { Description = "A JPEG, PNG, WebP, GIF or BMP file." };
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of one number per line." };
        var model = CommonOptions.Model();
        var provider = CommonOptions.ExecutionProvider();
        var command = new Command("embed", "Print the embedding of one image (one number per line, or a JSON array).")
        {
            image,
            json,
            model,
            provider,
        };
        command.SetAction(parse =>
        {
            var file = parse.GetRequiredValue(image);
            if (!file.Exists)
            {
                return Failure.Report("embed", ExitCodes.UnusableInput, $"{file.FullName}: no such file");
            }

            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file.FullName);
            }
            catch (IOException e)
            {
                return Failure.Report("embed", ExitCodes.UnusableInput, $"{file.Name}: {e.Message}");
            }
            catch (UnauthorizedAccessException e)
            {
                return Failure.Report("embed", ExitCodes.UnusableInput, $"{file.Name}: {e.Message}");
            }

            try
            {
                using var log = WarningLog.Create();
                using var embedder = ImageEmbedder.Create(
                    new EmbedderOptions
                    {
                        ModelPath = FeatureModelFile.Resolve(parse.GetValue(model)),
                        Inference = new InferenceOptions { ExecutionProvider = parse.GetValue(provider) },
                    },
                    log);
                var vector = embedder.Embed(bytes);
                Console.Out.Write(parse.GetValue(json)
                    ? JsonSerializer.Serialize(vector) + Environment.NewLine
                    : string.Join(Environment.NewLine, vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + Environment.NewLine);
                return ExitCodes.Success;
            }
            catch (ImageDecodeException e)
            {
                return Failure.Report("embed", ExitCodes.Failed, $"{file.Name}: {e.Error.Describe()}: {e.Message}");
            }
            catch (FileNotFoundException e)
            {
                return Failure.Report("embed", ExitCodes.UnusableInput, e.Message);
            }
            catch (OnnxRuntimeException e)
            {
                return Failure.Report("embed", ExitCodes.UnusableInput, $"the model could not be run: {e.Message}");
            }
        });
        return command;
    }
}
