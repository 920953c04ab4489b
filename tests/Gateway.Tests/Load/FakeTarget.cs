using System.Net;
using System.Text;

namespace Ndxp.Gateway.Tests.Load;

/// <summary>
/// A target in the test process for the load tool: answers the token endpoint with a token of the lifetime asked
/// for, and data calls with what <paramref name="answer"/> does (or 200 at once). Counts both.
/// </summary>
internal sealed class FakeTarget(Func<HttpRequestMessage, CancellationToken, Task<HttpStatusCode>>? answer = null, int tokenLifetimeSeconds = 300) : HttpMessageHandler
{
    private int _tokens;
    private int _calls;

    public int Tokens => Volatile.Read(ref _tokens);

    public int Calls => Volatile.Read(ref _calls);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath == "/connect/token")
        {
            var n = Interlocked.Increment(ref _tokens);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"access_token":"token-{{n}}","token_type":"Bearer","expires_in":{{tokenLifetimeSeconds}}}""", Encoding.UTF8, "application/json"),
            };
        }

        Interlocked.Increment(ref _calls);
        var status = answer is null ? HttpStatusCode.OK : await answer(request, cancellationToken);
        return new HttpResponseMessage(status) { Content = new StringContent("{}") };
    }
}
