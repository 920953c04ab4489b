using System.Text.Json;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A provider under the test's control: <c>/slow/...</c> answers only after a long delay, <c>/pause/...</c> after a
/// second, and every other path answers with the headers it received (so a test sees what the gateway forwarded).
/// </summary>
internal sealed class TestUpstream : IAsyncDisposable
{
    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;

    private TestUpstream(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<TestUpstream> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
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
        return new TestUpstream(app, url);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
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
