using System.Collections.Concurrent;
using System.Net;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// Concurrent callers repeating one data call until the gateway stops answering (it was stopped) or a time limit:
/// what a gateway is doing when Kubernetes stops it. Keeps the transaction id of every answered call.
/// </summary>
internal sealed class CallLoad
{
    private readonly ConcurrentBag<string> _answered = [];
    private readonly ConcurrentBag<string> _failed = [];

    private CallLoad()
    {
    }

    /// <summary>Transaction ids of the calls answered 200.</summary>
    public IReadOnlyCollection<string> Answered => _answered;

    /// <summary>Answers other than 200, as "status body".</summary>
    public IReadOnlyCollection<string> Failed => _failed;

    public Task Completion { get; private set; } = Task.CompletedTask;

    public static CallLoad Start(HttpClient client, string path, string token, string? purpose, int callers, TimeSpan limit)
    {
        var load = new CallLoad();
        load.Completion = Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(() => load.CallUntilRefusedAsync(client, path, token, purpose, limit))));
        return load;
    }

    private async Task CallUntilRefusedAsync(HttpClient client, string path, string token, string? purpose, TimeSpan limit)
    {
        using var stop = new CancellationTokenSource(limit);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.CallAsync(HttpMethod.Get, path, token, purpose);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    _answered.Add(response.Headers.GetValues("X-Transaction-Id").Single());
                }
                else
                {
                    _failed.Add($"{(int)response.StatusCode} {body}");
                }
            }
            catch (HttpRequestException)
            {
                // Refused once the gateway stopped listening: the load is over.
                return;
            }
        }
    }
}
