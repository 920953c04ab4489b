using System.Collections.Concurrent;
using System.Net;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// What a gateway is doing when Kubernetes stops it: concurrent callers repeating one data call, SIGTERM once calls
/// are being answered, the callers going on until the gateway stops answering.
/// </summary>
internal static class CallLoad
{
    private const int Callers = 8;

    /// <summary>
    /// Loads the process, stops it with SIGTERM under that load and checks it exited 0 with every answer a 200;
    /// returns the transaction ids of the answered calls.
    /// </summary>
    public static async Task<IReadOnlyCollection<string>> ThroughSigtermAsync(GatewayProcess gateway, string path, string token, string purpose)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var answered = new ConcurrentBag<string>();
        var failed = new ConcurrentBag<string>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var load = Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            while (!limit.IsCancellationRequested)
            {
                try
                {
                    using var response = await gateway.Data.CallAsync(HttpMethod.Get, path, token, purpose);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        answered.Add(response.Headers.GetValues("X-Transaction-Id").Single());
                    }
                    else
                    {
                        failed.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (HttpRequestException)
                {
                    // Refused once the gateway stopped listening: the load is over.
                    return;
                }
            }
        })));

        await Poll.UntilAsync(() => answered.Count > 50, "calls answered under load");
        await gateway.TerminateAsync();
        await load;

        Assert.Equal(0, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(failed);
        return answered;
    }
}
