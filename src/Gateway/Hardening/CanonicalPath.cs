using System.Buffers;
using System.Text.Unicode;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// Decides whether a request target is in the one canonical form the gateway accepts. A path that a provider could
/// read differently from the gateway (an encoded slash or backslash, a dot segment, doubled encoding, a matrix
/// parameter, a control character, overlong or invalid UTF-8, an empty or dot-ended segment) is refused rather than
/// "cleaned": whatever the grant check saw is then exactly what the provider receives, and no normalization on
/// either side can move a call from the granted service's prefix into another's. Runs on every call: no allocation.
/// </summary>
public static class CanonicalPath
{
    // RFC 3986 pchar without ';' (matrix parameters) plus '/': unreserved, sub-delims but ';', ':', '@', and escapes.
    private static readonly SearchValues<char> Allowed = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@/%");

    /// <summary>Null when the raw target's path is canonical; otherwise why not.</summary>
    /// <summary>Why the request's target is refused, or null: the raw target as the client sent it, before Kestrel decoded it or resolved dot segments.</summary>
    public static string? Check(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Check(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/");
    }

    public static string? Check(ReadOnlySpan<char> rawTarget)
    {
        if (rawTarget.IsEmpty || rawTarget[0] != '/')
        {
            return "the request target must be a path starting with '/' (no absolute or authority form)";
        }

        var end = rawTarget.IndexOf('?');
        var path = end < 0 ? rawTarget : rawTarget[..end];
        if (path.IndexOfAnyExcept(Allowed) is var bad and >= 0)
        {
            return path[bad] switch
            {
                '\\' => "backslashes are not allowed in paths",
                ';' => "matrix parameters (';') are not allowed in paths",
                _ => "the path holds a character that must not appear in it",
            };
        }

        return CheckEscapes(path) ?? CheckSegments(path);
    }

    private static string? CheckEscapes(ReadOnlySpan<char> path)
    {
        if (!path.Contains('%'))
        {
            return null; // Only allowed ASCII characters: valid UTF-8 by construction.
        }

        byte[]? rented = null;
        var decoded = path.Length <= 512 ? stackalloc byte[path.Length] : (rented = ArrayPool<byte>.Shared.Rent(path.Length));
        try
        {
            var length = 0;
            for (var i = 0; i < path.Length; i++)
            {
                if (path[i] != '%')
                {
                    decoded[length++] = (byte)path[i];
                    continue;
                }

                if (i + 2 >= path.Length || !char.IsAsciiHexDigit(path[i + 1]) || !char.IsAsciiHexDigit(path[i + 2]))
                {
                    return "a '%' must start a two-digit escape";
                }

                var value = (byte)((HexValue(path[i + 1]) << 4) | HexValue(path[i + 2]));
                // Escapes that change a path's structure or hide another escape: a provider may decode them, the router did not.
                if (value is (byte)'/' or (byte)'\\' or (byte)'%' or (byte)'.' or (byte)';' or (byte)'?' or (byte)'#' or < 0x20 or 0x7F)
                {
                    return "escaped slashes, backslashes, dots, percent signs, ';', '?', '#' and control characters are not allowed in paths";
                }

                decoded[length++] = value;
                i += 2;
            }

            // Overlong forms (e.g. %C0%AE for '.') and other invalid UTF-8 are refused, not passed on for someone to decode.
            return Utf8.IsValid(decoded[..length]) ? null : "the path is not valid UTF-8 (overlong or malformed escapes)";
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string? CheckSegments(ReadOnlySpan<char> path)
    {
        // path starts with '/': walk the segments after each slash.
        var rest = path[1..];
        while (true)
        {
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            if (segment.IsEmpty && slash >= 0)
            {
                return "empty path segments ('//') are not allowed";
            }

            if (!segment.IsEmpty && segment[^1] == '.')
            {
                return "dot segments and segments ending in '.' are not allowed";
            }

            if (slash < 0)
            {
                return null;
            }

            rest = rest[(slash + 1)..];
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
