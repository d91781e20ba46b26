namespace ImageSearch.BuildIndex;

/// <summary>The tool's exit codes; scripts rely on them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Some rows or images failed.</summary>
    public const int Failed = 1;

    /// <summary>Bad arguments, or input the tool cannot use at all.</summary>
    public const int UnusableInput = 2;

    /// <summary>Stopped by Ctrl-C (the shell's convention, 128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
