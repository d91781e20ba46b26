namespace ImageSearch.BuildIndex;

/// <summary>How commands report a failure: one line on stderr, prefixed with the command's name.</summary>
internal static class Failure
{
    public static int Report(string command, int exitCode, string message)
    {
        Console.Error.WriteLine($"{command}: {message}");
        return exitCode;
    }
}
