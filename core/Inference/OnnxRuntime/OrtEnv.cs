namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>
/// The process-wide ONNX Runtime environment (logging, global thread pools). Created once, on first use, and kept
/// for the life of the process: sessions refer to it, and releasing it during shutdown races their finalizers.
/// </summary>
public sealed class OrtEnv
{
    private static readonly Lock Gate = new();
    private static volatile OrtEnv? s_instance;

    private OrtEnv(nint handle, OrtLoggingLevel level)
    {
        Handle = handle;
        EnvLogLevel = level;
    }

    /// <summary>The logging level the first <see cref="Instance()"/> call creates the environment with; later
    /// changes have no effect.</summary>
    public static OrtLoggingLevel DefaultLogLevel { get; set; } = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;

    /// <summary>The logging level the environment was created with.</summary>
    public OrtLoggingLevel EnvLogLevel { get; }

    internal nint Handle { get; }

    /// <summary>The environment, created on the first call (thread-safe).</summary>
    public static OrtEnv Instance() => s_instance ?? Create();

    private static unsafe OrtEnv Create()
    {
        lock (Gate)
        {
            if (s_instance is { } existing)
            {
                return existing;
            }

            var api = OrtLibrary.Api;
            var level = DefaultLogLevel;
            nint env;
            fixed (byte* logId = "ImageSearch"u8)
            {
                api.Check(api.CreateEnv((int)level, logId, &env));
            }

            var instance = new OrtEnv(env, level);
            s_instance = instance;
            return instance;
        }
    }
}
