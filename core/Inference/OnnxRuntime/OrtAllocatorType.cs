namespace ImageSearch.Core.Inference.OnnxRuntime;

/// <summary>ORT's <c>OrtAllocatorType</c>.</summary>
public enum OrtAllocatorType
{
    DeviceAllocator = 0,
    ArenaAllocator = 1,
}
