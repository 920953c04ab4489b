using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// Refuses a request framed two ways (Content-Length and Transfer-Encoding: the classic request smuggling set-up,
/// where the gateway and a provider could disagree on where the request ends) and closes the connection, as RFC 9112
/// section 6.1 allows. Kestrel itself refuses duplicate or conflicting Content-Length and unknown transfer codings.
/// </summary>
internal sealed class RequestFramingMiddleware(RequestDelegate next)
{
    private const string KestrelMovedContentLength = "X-Content-Length";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        // Kestrel keeps a Content-Length that came with Transfer-Encoding as X-Content-Length (it frames by chunks).
        if (headers.ContainsKey(HeaderNames.TransferEncoding) && (headers.ContainsKey(HeaderNames.ContentLength) || headers.ContainsKey(KestrelMovedContentLength)))
        {
            context.Response.Headers.Connection = "close";
            return context.WriteProblemAsync(ProblemKind.RequestFramingInvalid);
        }

        return next(context);
    }
}
