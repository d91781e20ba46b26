using System.Diagnostics;

namespace ImageSearch.Tests;

/// <summary>Runs a program the way a user would (dotnet publish, a built tool), with a time limit.</summary>
internal static class ChildProcess
{
    /// <summary>The repository's root folder (the one holding ImageSearch.sln), found above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ImageSearch.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (ImageSearch.sln) is not above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs <paramref name="program"/> to its end (killing it and failing the test past <paramref name="limit"/>).</summary>
    public static (int ExitCode, string Output, string Error) Run(TimeSpan limit, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot() };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {limit}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
