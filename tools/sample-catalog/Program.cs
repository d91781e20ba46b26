using ImageSearch.SampleCatalog;

var parse = SampleCatalogCommand.Create().Parse(args);
if (parse.Errors.Count > 0)
{
    // Bad arguments are unusable input (exit 2), like a malformed manifest.
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"sample-catalog: {error.Message}");
    }

    Console.Error.WriteLine("Run 'sample-catalog --help' for usage.");
    return 2;
}

return await parse.InvokeAsync();
