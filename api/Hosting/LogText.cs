using System.Text;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Request-controlled text made safe for a log line: control characters (CR and LF above all, which would start a
/// forged line in a plain-text log) are percent-encoded as a URL would carry them, and the text is cut at
/// <see cref="MaxLength"/> characters.
/// </summary>
public static class LogText
{
    public const int MaxLength = 512;

    /// <summary>The request's path, decoded as routing saw it, encoded for the log.</summary>
    public static string Path(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Encode(request.Path.Value);
    }

    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var cut = text.Length > MaxLength;
        var span = cut ? text.AsSpan(0, MaxLength) : text.AsSpan();
        if (!cut && !span.ContainsAnyInRange('\u0000', '\u001f') && !span.Contains('\u007f') && !span.ContainsAnyInRange('\u0080', '\u009f')
            && !span.Contains('\u2028') && !span.Contains('\u2029'))
        {
            return text;
        }

        var encoded = new StringBuilder(span.Length + 16);
        foreach (var c in span)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                encoded.Append('%').Append(((int)c).ToString(c > 0xff ? "X4" : "X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                encoded.Append(c);
            }
        }

        return cut ? encoded.Append('…').ToString() : encoded.ToString();
    }
}
