using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace ImageSearch.Core.Query.Inference;

/// <summary>
/// ONNX Runtime's own log, captured: the process-wide <see cref="OrtEnv"/> is created once with a logging function
/// that keeps ORT's recent warnings and errors. Some failures reach the managed API only as a generic message
/// (a CUDA provider that cannot load says "Failed to load shared library"), while the reason — which library is
/// missing — goes to this log; <see cref="ReasonSince"/> finds it.
/// </summary>
public static class OnnxRuntimeLog
{
    private const int Capacity = 64;

    private static readonly Lock Gate = new();
    private static readonly Queue<(long Sequence, string Message)> Recent = new();
    private static readonly Lazy<bool> Capturing = new(CreateEnvironment);
    private static long _sequence;
    private static ILogger? _logger;

    /// <summary>Where ORT's warnings and errors are also written (the hosts' logger); none by default.</summary>
    public static void WriteTo(ILogger logger) => Volatile.Write(ref _logger, logger);

    /// <summary>
    /// Creates ORT's environment with the capturing logger unless something created it first; returns whether ORT's
    /// log is being captured. Call before the first session or session options.
    /// </summary>
    public static bool EnsureCapturing() => Capturing.Value;

    /// <summary>A mark to pass to <see cref="ReasonSince"/>: the number of messages logged so far.</summary>
    public static long Mark()
    {
        lock (Gate)
        {
            return _sequence;
        }
    }

    /// <summary>ORT's errors and warnings logged after <paramref name="mark"/>, joined; empty when there were none.</summary>
    public static string ReasonSince(long mark)
    {
        lock (Gate)
        {
            return string.Join("; ", Recent.Where(entry => entry.Sequence > mark).Select(entry => entry.Message));
        }
    }

    private static bool CreateEnvironment()
    {
        if (OrtEnv.IsCreated)
        {
            return false;
        }

        var options = new EnvironmentCreationOptions
        {
            logId = "ImageSearch",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = Record,
        };
        OrtEnv.CreateInstanceWithOptions(ref options);
        return true;
    }

    private static void Record(nint param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        if (severity < OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING)
        {
            return;
        }

        lock (Gate)
        {
            Recent.Enqueue((++_sequence, message));
            while (Recent.Count > Capacity)
            {
                Recent.Dequeue();
            }
        }

        Volatile.Read(ref _logger)?.Log(ToLogLevel(severity), "ONNX Runtime [{Category}] {Message}", category, message);
    }

    /// <summary>The level an ORT severity is written at.</summary>
    private static LogLevel ToLogLevel(OrtLoggingLevel severity) => severity switch
    {
        OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => LogLevel.Trace,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => LogLevel.Debug,
        OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
