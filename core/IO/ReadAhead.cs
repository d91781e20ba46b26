using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ImageSearch.Core.IO;

/// <summary>
/// Tells the OS which parts of a file are about to be read (<c>posix_fadvise(POSIX_FADV_WILLNEED)</c>), so that those
/// not in the page cache are fetched from the disk together instead of one read after another. Only a hint: a no-op
/// where the platform has no such call, and failures are ignored.
/// </summary>
internal static partial class ReadAhead
{
    private const int WillNeed = 3;

    public static void Request(SafeFileHandle file, long offset, long length)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = PosixFadvise(file, offset, length, WillNeed);
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(SafeFileHandle fd, long offset, long length, int advice);
}
