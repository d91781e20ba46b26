using Microsoft.Extensions.Logging;

namespace ImageSearch.BuildIndex;

/// <summary>
/// The engine's warnings and errors (a CUDA provider that could not load, say), one line each on standard error,
/// where the tool's own messages go; information stays out of the tool's output. Dispose to flush.
/// </summary>
internal static class WarningLog
{
    public static ILoggerFactory Create() => LoggerFactory.Create(logging => logging
        .SetMinimumLevel(LogLevel.Warning)
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.IncludeScopes = false;
        })
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
}
