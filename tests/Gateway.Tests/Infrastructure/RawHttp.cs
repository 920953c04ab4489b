using System.Net.Sockets;
using System.Text;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// Sends bytes to a port exactly as given (HttpClient would normalize paths and refuse malformed requests), and reads
/// the answer until the server closes the connection.
/// </summary>
internal static class RawHttp
{
    public static Task<RawResponse> SendAsync(int port, string request) => SendAsync(port, Encoding.Latin1.GetBytes(request));

    /// <summary>
    /// Sends the bytes and reads the answer until the server closes the connection or, with
    /// <paramref name="untilAnswered"/>, until the answer is complete (its Content-Length, its last chunk, a 101): a
    /// request that names a body it never sends then costs no wait for the server to give up on it.
    /// </summary>
    public static async Task<RawResponse> SendAsync(int port, byte[] request, TimeSpan? timeout = null, bool untilAnswered = false)
    {
        using var client = new TcpClient();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        await client.ConnectAsync("127.0.0.1", port, cancel.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(request, cancel.Token);
        using var answer = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (!(untilAnswered && IsComplete(answer)) && await stream.ReadAsync(buffer, cancel.Token) is > 0 and var read)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // The server reset the connection after answering (or without answering).
        }

        return RawResponse.Parse(Encoding.UTF8.GetString(answer.ToArray()));
    }

    /// <summary>A GET of a raw target with a bearer token, closing the connection after the answer.</summary>
    public static string Get(string target, string? token = null, string extraHeaders = "") =>
        $"GET {target} HTTP/1.1\r\nHost: gateway.test\r\n{(token is null ? "" : $"Authorization: Bearer {token}\r\n")}{extraHeaders}Connection: close\r\n\r\n";

    private static bool IsComplete(MemoryStream answer)
    {
        var text = Encoding.Latin1.GetString(answer.GetBuffer(), 0, (int)answer.Length);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var head = text[..split];
        var length = head.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (length is not null)
        {
            return text.Length - split - 4 >= int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)
            ? text.EndsWith("0\r\n\r\n", StringComparison.Ordinal)
            : head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal);
    }
}

/// <summary>The status and body of a raw answer; status 0 when the server closed without answering.</summary>
internal sealed record RawResponse(int Status, string Head, string Body)
{
    public static RawResponse Parse(string text)
    {
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || text.Length < 12)
        {
            return new(0, "", text);
        }

        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? "" : text[(split + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new(int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), head, body);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0 || !int.TryParse(chunked.AsSpan(position, lineEnd - position), System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0)
            {
                break;
            }

            // Sizes count bytes; the test bodies here are ASCII, and a cut-off chunk ends the body.
            var start = lineEnd + 2;
            result.Append(chunked, start, Math.Min(size, chunked.Length - start));
            position = start + size + 2;
        }

        return result.ToString();
    }
}
