using System.Runtime.InteropServices;

namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>
/// A loaded model (an <c>OrtSession</c>). <see cref="Run(RunOptions?, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is thread-safe: one session serves concurrent callers. Disposing while runs are in flight releases the native
/// session only after the last of them returns.
/// </summary>
/// <remarks>
/// This namespace is a small stand-in for the Microsoft.ML.OnnxRuntime package (whose NuGet feed is not reachable
/// here), binding ONNX Runtime's C API through function pointers. Type and member names follow that package, so it
/// can replace this binding by changing the <c>using</c> directive.
/// </remarks>
public sealed unsafe class InferenceSession : IDisposable, IAsyncDisposable
{
    private readonly SessionHandle _handle;
    private readonly Dictionary<string, nint> _inputNamePointers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, nint> _outputNamePointers = new(StringComparer.Ordinal);

    /// <summary>Loads the model at <paramref name="modelPath"/>; ORT's own error becomes an
    /// <see cref="OnnxRuntimeException"/>.</summary>
    public InferenceSession(string modelPath, SessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var api = OrtLibrary.Api;
        var env = OrtEnv.Instance();
        var owned = options is null ? new SessionOptions() : null;
        nint session;
        try
        {
            using var use = new HandleUse((options ?? owned!).Handle);
            nint status;
            if (OperatingSystem.IsWindows())
            {
                fixed (char* path = modelPath)
                {
                    status = api.CreateSession(env.Handle, path, use.Pointer, &session);
                }
            }
            else
            {
                fixed (byte* path = Utf8.ToNullTerminated(modelPath))
                {
                    status = api.CreateSession(env.Handle, path, use.Pointer, &session);
                }
            }

            api.Check(status);
        }
        finally
        {
            owned?.Dispose();
        }

        _handle = new SessionHandle(session, api);
        try
        {
            (InputNames, InputMetadata) = ReadNodes(api, session, _inputNamePointers, input: true);
            (OutputNames, OutputMetadata) = ReadNodes(api, session, _outputNamePointers, input: false);
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata { get; }

    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata { get; }

    /// <summary>Runs the model; ORT allocates the requested outputs, which the caller disposes (with the
    /// collection).</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(
        RunOptions? runOptions,
        IReadOnlyCollection<string> inputNames,
        IReadOnlyCollection<OrtValue> inputValues,
        IReadOnlyCollection<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(outputNames);
        var outputs = new nint[outputNames.Count];
        try
        {
            RunCore(runOptions, inputNames, inputValues, outputNames, null, outputs);
            var result = new DisposableList<OrtValue>(outputs.Length);
            for (var i = 0; i < outputs.Length; i++)
            {
                result.Add(OrtValue.FromOwnedHandle(outputs[i]));
                outputs[i] = 0;
            }

            return result;
        }
        finally
        {
            var api = OrtLibrary.Api;
            foreach (var leftover in outputs)
            {
                if (leftover != 0)
                {
                    api.ReleaseValue(leftover);
                }
            }
        }
    }

    /// <summary>Runs the model writing into caller-allocated output tensors (no copy): each output value must
    /// already have the output's element type and shape.</summary>
    public void Run(
        RunOptions? runOptions,
        IReadOnlyCollection<string> inputNames,
        IReadOnlyCollection<OrtValue> inputValues,
        IReadOnlyCollection<string> outputNames,
        IReadOnlyCollection<OrtValue> outputValues)
    {
        ArgumentNullException.ThrowIfNull(outputNames);
        ArgumentNullException.ThrowIfNull(outputValues);
        if (outputValues.Count != outputNames.Count)
        {
            throw new ArgumentException(
                $"{outputNames.Count} output names but {outputValues.Count} output values.", nameof(outputValues));
        }

        RunCore(runOptions, inputNames, inputValues, outputNames, outputValues, new nint[outputNames.Count]);
    }

    public void Dispose() => _handle.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void RunCore(
        RunOptions? runOptions,
        IReadOnlyCollection<string> inputNames,
        IReadOnlyCollection<OrtValue> inputValues,
        IReadOnlyCollection<string> outputNames,
        IReadOnlyCollection<OrtValue>? outputValues,
        nint[] outputs)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        ArgumentNullException.ThrowIfNull(inputValues);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (inputNames.Count != inputValues.Count)
        {
            throw new ArgumentException(
                $"{inputNames.Count} input names but {inputValues.Count} input values.", nameof(inputValues));
        }

        var api = OrtLibrary.Api;
        var held = new List<SafeHandle>(inputValues.Count + outputs.Length + 2);
        var temporaryNames = new List<nint>();
        try
        {
            var session = Hold(_handle, held);
            var options = runOptions is null ? 0 : Hold(runOptions.Handle, held);
            var inNames = NamePointers(inputNames, _inputNamePointers, temporaryNames);
            var outNames = NamePointers(outputNames, _outputNamePointers, temporaryNames);
            var inValues = new nint[inputValues.Count];
            var i = 0;
            foreach (var value in inputValues)
            {
                ArgumentNullException.ThrowIfNull(value, nameof(inputValues));
                inValues[i++] = Hold(value.Handle, held);
            }

            if (outputValues is not null)
            {
                i = 0;
                foreach (var value in outputValues)
                {
                    ArgumentNullException.ThrowIfNull(value, nameof(outputValues));
                    outputs[i++] = Hold(value.Handle, held);
                }
            }

            fixed (nint* pInNames = inNames, pInValues = inValues, pOutNames = outNames, pOutputs = outputs)
            {
                api.Check(api.Run(
                    session, options, pInNames, pInValues, (nuint)inValues.Length, pOutNames, (nuint)outNames.Length, pOutputs));
            }
        }
        finally
        {
            foreach (var handle in held)
            {
                handle.DangerousRelease();
            }

            foreach (var name in temporaryNames)
            {
                Marshal.FreeCoTaskMem(name);
            }
        }
    }

    private static nint Hold(SafeHandle handle, List<SafeHandle> held)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        held.Add(handle);
        return handle.DangerousGetHandle();
    }

    /// <summary>The cached native names; names the model does not have are passed through (in temporary memory) so
    /// that ORT reports them in its own words.</summary>
    private static nint[] NamePointers(IReadOnlyCollection<string> names, Dictionary<string, nint> cache, List<nint> temporary)
    {
        var pointers = new nint[names.Count];
        var i = 0;
        foreach (var name in names)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(names));
            if (!cache.TryGetValue(name, out var pointer))
            {
                pointer = Utf8.Allocate(name);
                temporary.Add(pointer);
            }

            pointers[i++] = pointer;
        }

        return pointers;
    }

    private (IReadOnlyList<string> Names, IReadOnlyDictionary<string, NodeMetadata> Metadata) ReadNodes(
        OrtNativeApi api, nint session, Dictionary<string, nint> namePointers, bool input)
    {
        nuint count;
        api.Check(input ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count));
        var names = new string[(int)count];
        var metadata = new Dictionary<string, NodeMetadata>((int)count, StringComparer.Ordinal);
        for (nuint i = 0; i < count; i++)
        {
            nint namePointer;
            api.Check(input
                ? api.SessionGetInputName(session, i, api.DefaultAllocator, &namePointer)
                : api.SessionGetOutputName(session, i, api.DefaultAllocator, &namePointer));
            _handle.OwnName(namePointer);
            var name = Utf8.ToString((byte*)namePointer) ?? string.Empty;
            names[(int)i] = name;
            namePointers[name] = namePointer;

            nint typeInfo;
            api.Check(input
                ? api.SessionGetInputTypeInfo(session, i, &typeInfo)
                : api.SessionGetOutputTypeInfo(session, i, &typeInfo));
            try
            {
                metadata[name] = NodeMetadata.Read(api, typeInfo);
            }
            finally
            {
                api.ReleaseTypeInfo(typeInfo);
            }
        }

        return (names, metadata);
    }

    /// <summary>The session, and the names ORT allocated for it, freed together after the last user.</summary>
    private sealed class SessionHandle(nint session, OrtNativeApi api) : OrtHandle(session, api.ReleaseSession)
    {
        private readonly List<nint> _names = [];

        public void OwnName(nint name) => _names.Add(name);

        protected override void OnReleased()
        {
            foreach (var name in _names)
            {
                api.FreeWithDefaultAllocator(name);
            }

            _names.Clear();
        }
    }
}
