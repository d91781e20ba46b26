namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>Per-call options for <see cref="InferenceSession.Run(RunOptions?, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// (an <c>OrtRunOptions</c>).</summary>
public sealed unsafe class RunOptions : IDisposable
{
    private readonly OrtHandle _handle;
    private string _logTag = string.Empty;
    private bool _terminate;

    public RunOptions()
    {
        var api = OrtLibrary.Api;
        nint options;
        api.Check(api.CreateRunOptions(&options));
        _handle = new OrtHandle(options, api.ReleaseRunOptions);
    }

    /// <summary>Tag used in ORT's log lines for the runs that use these options.</summary>
    public string LogTag
    {
        get => _logTag;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var api = OrtLibrary.Api;
            fixed (byte* tag = Utf8.ToNullTerminated(value))
            {
                api.Check(api.RunOptionsSetRunTag(Handle.DangerousGetHandle(), tag));
            }

            _logTag = value;
        }
    }

    /// <summary>Set to true (from any thread) to make runs using these options stop with an error as soon as
    /// possible; set back to false to reuse the options.</summary>
    public bool Terminate
    {
        get => _terminate;
        set
        {
            var api = OrtLibrary.Api;
            var h = Handle.DangerousGetHandle();
            api.Check(value ? api.RunOptionsSetTerminate(h) : api.RunOptionsUnsetTerminate(h));
            _terminate = value;
        }
    }

    internal OrtHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    public void Dispose() => _handle.Dispose();
}
