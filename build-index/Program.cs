using System.CommandLine;
using ImageSearch.BuildIndex.Commands;

var root = new RootCommand("Builds and checks ImageSearch indexes: prepare the model, embed images.")
{
    PrepareModelCommand.Create(),
    EmbedCommand.Create(),
    BuildCommand.Create(),
    EvaluateCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
