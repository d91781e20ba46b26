using System.CommandLine;
using ImageSearch.Lab;

var root = new RootCommand("The research lab: measures retrieval techniques on tuning and held-out query photos (docs/quality.md).")
{
    ExperimentCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"lab: {error.Message}");
    }

    return 2;
}

return await parse.InvokeAsync();
