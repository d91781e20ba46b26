using System.CommandLine;
using ImageSearch.BuildIndex;
using ImageSearch.BuildIndex.Commands;

var root = new RootCommand("Builds and checks ImageSearch indexes: prepare the model, embed images, build and evaluate an index.")
{
    PrepareModelCommand.Create(),
    EmbedCommand.Create(),
    BuildCommand.Create(),
    EvaluateCommand.Create(),
    PublishCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Bad arguments are unusable input (exit 2), like a malformed catalog.
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"build-index: {error.Message}");
    }

    Console.Error.WriteLine("Run 'build-index --help' or 'build-index COMMAND --help' for usage.");
    return ExitCodes.UnusableInput;
}

return await parse.InvokeAsync();
