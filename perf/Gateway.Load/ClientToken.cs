using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ndxp.Gateway.Load;

/// <summary>
/// One client's bearer token from <c>POST /connect/token</c> (client_credentials, HTTP Basic), replaced in the
/// background at 80 % of its <c>expires_in</c>: calls read <see cref="Current"/> and never wait for a fetch. A failed
/// refresh is retried every second; the old token serves until it expires.
/// </summary>
internal sealed class ClientToken : IAsyncDisposable
{
    public const double RefreshAt = 0.8;

    private static readonly TimeSpan SetupDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly LoadClient _client;
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;
    private readonly AuthenticationHeaderValue _credentials;
    private readonly CancellationTokenSource _stop = new();
    private AuthenticationHeaderValue? _current;
    private Task? _refreshing;
    private int _fetches;

    public ClientToken(LoadClient client, HttpClient http, Uri target, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(target);
        _client = client;
        _http = http;
        _endpoint = new Uri(target, "/connect/token");
        _time = time;
        // RFC 6749 section 2.3.1: id and secret are form-encoded before they are joined.
        var pair = $"{Uri.EscapeDataString(client.Id)}:{Uri.EscapeDataString(client.Secret)}";
        _credentials = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
    }

    public string ClientId => _client.Id;

    /// <summary>The <c>Authorization</c> header for a call: one shared instance per token.</summary>
    public AuthenticationHeaderValue Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("token not fetched yet");

    /// <summary>Tokens fetched so far.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>Fetches the first token (waiting out a busy token endpoint), then keeps it fresh in the background.</summary>
    public async Task StartAsync(CancellationToken cancel)
    {
        var deadline = _time.GetTimestamp() + (long)(SetupDeadline.TotalSeconds * _time.TimestampFrequency);
        TimeSpan lifetime;
        while (true)
        {
            var (fetched, retryAfter, refusal) = await FetchAsync(cancel);
            if (fetched is { } got)
            {
                lifetime = got;
                break;
            }

            if (refusal is not null || _time.GetTimestamp() > deadline)
            {
                throw new LoadSetupException($"client {_client.Id}: no token from {_endpoint}: {refusal ?? "token endpoint busy for " + SetupDeadline.TotalSeconds + " s"}");
            }

            await Task.Delay(retryAfter, _time, cancel);
        }

        _refreshing = RefreshAsync(lifetime, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_refreshing is not null)
        {
            await _refreshing;
        }

        _stop.Dispose();
    }

    private async Task RefreshAsync(TimeSpan lifetime, CancellationToken stop)
    {
        var wait = lifetime * RefreshAt;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, _time, stop);
                var (fetched, retryAfter, _) = await FetchAsync(stop);
                wait = fetched is { } next ? next * RefreshAt : retryAfter;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // The lifetime of a new token, or how long to wait before trying again, or why the client was refused for good.
    private async Task<(TimeSpan? Lifetime, TimeSpan RetryAfter, string? Refusal)> FetchAsync(CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = _credentials;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(FetchTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
            {
                return (null, response.Headers.RetryAfter?.Delta ?? RetryInterval, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, RetryInterval, $"{(int)response.StatusCode} {body}");
            }

            using var json = JsonDocument.Parse(body);
            var token = json.RootElement.GetProperty("access_token").GetString()!;
            var lifetime = TimeSpan.FromSeconds(json.RootElement.GetProperty("expires_in").GetDouble());
            Volatile.Write(ref _current, new AuthenticationHeaderValue("Bearer", token));
            Interlocked.Increment(ref _fetches);
            return (lifetime, RetryInterval, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException
            || (ex is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            // Before the run a failure stops it at once (unreachable, not a token endpoint); during it, a refresh is retried.
            return (null, RetryInterval, Volatile.Read(ref _current) is null ? ex.Message : null);
        }
    }
}

/// <summary>The run could not start: the target is unreachable or refused the clients' credentials.</summary>
internal sealed class LoadSetupException(string message) : Exception(message);
