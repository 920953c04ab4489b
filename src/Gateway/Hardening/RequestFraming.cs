using Microsoft.Net.Http.Headers;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// A request framed two ways (Content-Length and Transfer-Encoding) is the classic request smuggling set-up, where the
/// gateway and a provider could disagree on where the request ends: it is refused and the connection closed, as
/// RFC 9112 section 6.1 allows. Kestrel itself refuses duplicate or conflicting Content-Length and unknown transfer codings.
/// </summary>
internal static class RequestFraming
{
    private const string KestrelMovedContentLength = "X-Content-Length";

    public static bool IsAmbiguous(IHeaderDictionary headers) =>
        // Kestrel keeps a Content-Length that came with Transfer-Encoding as X-Content-Length (it frames by chunks).
        headers.ContainsKey(HeaderNames.TransferEncoding) && (headers.ContainsKey(HeaderNames.ContentLength) || headers.ContainsKey(KestrelMovedContentLength));
}
