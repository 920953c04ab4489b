using System.Buffers;
using System.Text;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// Decides whether a request target is in the one canonical form the gateway accepts. A path that a provider could
/// read differently from the gateway (an encoded slash or backslash, a dot segment, doubled encoding, a matrix
/// parameter, a control character, overlong or invalid UTF-8, an empty or dot-ended segment) is refused rather than
/// "cleaned": whatever the grant check saw is then exactly what the provider receives, and no normalization on
/// either side can move a call from the granted service's prefix into another's.
/// </summary>
public static class CanonicalPath
{
    // RFC 3986 pchar without ';' (matrix parameters) plus '/': unreserved, sub-delims but ';', ':', '@', and escapes.
    private static readonly SearchValues<char> Allowed = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@/%");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Null when the raw target's path is canonical; otherwise why not.</summary>
    public static string? Check(string rawTarget)
    {
        ArgumentNullException.ThrowIfNull(rawTarget);
        if (rawTarget.Length == 0 || rawTarget[0] != '/')
        {
            return "the request target must be a path starting with '/' (no absolute or authority form)";
        }

        var end = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = end < 0 ? rawTarget : rawTarget[..end];
        if (path.AsSpan().IndexOfAnyExcept(Allowed) is var bad and >= 0)
        {
            return path[bad] switch
            {
                '\\' => "backslashes are not allowed in paths",
                ';' => "matrix parameters (';') are not allowed in paths",
                _ => "the path holds a character that must not appear in it",
            };
        }

        var decoded = new List<byte>(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] != '%')
            {
                decoded.Add((byte)path[i]);
                continue;
            }

            if (i + 2 >= path.Length || !IsHex(path[i + 1]) || !IsHex(path[i + 2]))
            {
                return "a '%' must start a two-digit escape";
            }

            var value = (byte)Convert.ToInt32(path.Substring(i + 1, 2), 16);
            // Escapes that change a path's structure or hide another escape: a provider may decode them, the router did not.
            if (value is (byte)'/' or (byte)'\\' or (byte)'%' or (byte)'.' or (byte)';' or (byte)'?' or (byte)'#' or < 0x20 or 0x7F)
            {
                return "escaped slashes, backslashes, dots, percent signs, ';', '?', '#' and control characters are not allowed in paths";
            }

            decoded.Add(value);
            i += 2;
        }

        try
        {
            // Overlong forms (e.g. %C0%AE for '.') and other invalid UTF-8 are refused, not passed on for someone to decode.
            StrictUtf8.GetString([.. decoded]);
        }
        catch (DecoderFallbackException)
        {
            return "the path is not valid UTF-8 (overlong or malformed escapes)";
        }

        var segments = path.Split('/');
        for (var s = 1; s < segments.Length; s++)
        {
            var segment = segments[s];
            if (segment.Length == 0 && s < segments.Length - 1)
            {
                return "empty path segments ('//') are not allowed";
            }

            if (segment is "." or ".." || segment.EndsWith('.'))
            {
                return "dot segments and segments ending in '.' are not allowed";
            }
        }

        return null;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
