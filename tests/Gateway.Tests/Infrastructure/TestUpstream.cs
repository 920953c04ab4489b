using System.Collections.Concurrent;
using System.Text.Json;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A provider under the test's control. It records every request that reaches it (so a test can prove a refused call
/// never did) and names itself in an <c>X-Upstream</c> answer header (so a test sees which destination served a
/// call). <c>/slow/...</c> answers only after a long delay, <c>/pause/...</c> after a second, <c>/hold/...</c> when the
/// test releases it, <c>/chatty/...</c> with headers a provider must not set toward callers, <c>/socket/...</c> as a
/// WebSocket (<see cref="SocketEcho"/>), <c>/{prefix}/status/{code}</c> with that status (a provider choosing odd
/// ones), and every other path with the request it received.
/// </summary>
internal sealed class TestUpstream : IAsyncDisposable
{
    public const string NameHeader = "X-Upstream";
    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _received = new();
    private TaskCompletionSource _release = NewGate();
    private int _held;

    private TestUpstream(WebApplication app, string url, string name)
    {
        _app = app;
        Url = url;
        Name = name;
    }

    public string Url { get; }

    public string Name { get; }

    /// <summary>The path and query of every request that reached this upstream, in arrival order.</summary>
    public IReadOnlyCollection<string> Received => _received;

    /// <summary>Requests waiting in <c>/hold/...</c> for <see cref="ReleaseHeld"/>.</summary>
    public int Held => Volatile.Read(ref _held);

    public static async Task<TestUpstream> StartAsync(string name)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new TestUpstream(app, url, name);
        app.Use((context, next) =>
        {
            upstream._received.Enqueue(context.Request.Path + context.Request.QueryString);
            context.Response.Headers[NameHeader] = name;
            return next(context);
        });
        app.UseWebSockets();
        app.Map("/socket/{**rest}", SocketEcho.ServeAsync);
        // A provider that tries to set cookies and identity headers toward the caller.
        app.Map("/chatty/{**rest}", (HttpResponse response) =>
        {
            response.Headers.SetCookie = "session=provider-set; Path=/";
            response.Headers["X-Consumer-Agency"] = "BCA";
            response.Headers["X-Purpose"] = "anything";
            response.Headers["X-Powered-By"] = "PHP/5.6";
            response.Headers["X-Transaction-Id"] = "provider-chosen";
            response.Headers["X-Provider-Data"] = "kept";
            return Results.Ok();
        });
        app.Map("/pause/{**rest}", async (CancellationToken aborted) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), aborted);
            return Results.Ok();
        });
        app.Map("/hold/{**rest}", upstream.HoldAsync);
        // Answers only once the whole request body has arrived.
        app.Map("/echo/upload", async (HttpRequest request, CancellationToken aborted) =>
        {
            await request.Body.CopyToAsync(Stream.Null, aborted);
            return Results.Ok();
        });
        app.Map("/{prefix}/status/{code:int:range(100,999)}", (int code) => Results.StatusCode(code));
        app.Map("/{**rest}", (HttpRequest request) => Results.Json(new EchoedRequest(
            request.Method,
            request.Path,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase))));
        app.Map("/slow/{**rest}", async (CancellationToken aborted) =>
        {
            await Task.Delay(SlowDelay, aborted);
            return Results.Ok();
        });
        await app.StartAsync();
        return upstream;
    }

    /// <summary>Answers every request held in <c>/hold/...</c>; later ones are held again.</summary>
    public void ReleaseHeld() => Interlocked.Exchange(ref _release, NewGate()).TrySetResult();

    /// <summary>How many requests whose path starts with <paramref name="prefix"/> reached this upstream.</summary>
    public int ReceivedUnder(string prefix) => _received.Count(path => path.StartsWith(prefix, StringComparison.Ordinal));

    public ValueTask DisposeAsync()
    {
        ReleaseHeld();
        return _app.DisposeAsync();
    }

    private async Task<IResult> HoldAsync(CancellationToken aborted)
    {
        var release = Volatile.Read(ref _release).Task;
        Interlocked.Increment(ref _held);
        try
        {
            await release.WaitAsync(aborted);
            return Results.Text(Name);
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What <see cref="TestUpstream"/> received.</summary>
internal sealed record EchoedRequest(string Method, string Path, Dictionary<string, string> Headers)
{
    public static async Task<EchoedRequest> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return JsonSerializer.Deserialize<EchoedRequest>(body, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("empty echo");
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
