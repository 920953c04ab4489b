using Ndxp.Gateway.Metering;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A gateway running in the test process on free loopback ports, started by <see cref="GatewayWorkspace"/>: clients
/// for both planes and its services, for tests that read what it stored.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private int _disposed;

    public TestGateway(WebApplication app, int dataPort, int adminPort)
    {
        App = app;
        DataPort = dataPort;
        AdminPort = adminPort;
        Data = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dataPort}") };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public int DataPort { get; }

    public int AdminPort { get; }

    /// <summary>The issuer of its tokens when none is configured.</summary>
    public string Issuer => $"http://localhost:{DataPort}";

    public HttpClient Data { get; }

    public HttpClient Admin { get; }

    /// <summary>Log levels as when debugging: framework chatter included, where a leak would show first.</summary>
    public static readonly string[] VerboseLogging =
    [
        "--Serilog:MinimumLevel:Default=Information",
        "--Serilog:MinimumLevel:Override:Microsoft=Information",
        "--Serilog:MinimumLevel:Override:Yarp=Debug",
        "--Serilog:MinimumLevel:Override:System.Net.Http=Information",
    ];

    /// <summary>Settings that send every log event (<see cref="VerboseLogging"/>) to a file of compact JSON lines.</summary>
    public static string[] LogToFile(string path) =>
    [
        .. VerboseLogging,
        "--Serilog:WriteTo:0:Name=File",
        $"--Serilog:WriteTo:0:Args:path={path}",
        "--Serilog:WriteTo:0:Args:formatter=Serilog.Formatting.Compact.RenderedCompactJsonFormatter, Serilog.Formatting.Compact",
    ];

    /// <summary>A graceful stop, as on SIGTERM: drains calls and flushes metering.</summary>
    public Task StopAsync() => App.StopAsync();

    /// <summary>
    /// The stored usage records of an agency since a moment, once <paramref name="done"/> accepts them and the
    /// metering writer has nothing left to write (so a record written twice would be there too).
    /// </summary>
    public async Task<IReadOnlyList<UsageRecord>> StoredRecordsAsync(string agency, DateTimeOffset since, Func<IReadOnlyList<UsageRecord>, bool> done)
    {
        // The writer flushes on the gateway's clock: on a test's clock that stands still it flushes only at stop.
        if (Services.GetRequiredService<TimeProvider>() != TimeProvider.System)
        {
            throw new InvalidOperationException("This gateway runs on a test clock: advance it past Metering:FlushInterval, or stop the gateway, then read the store.");
        }

        var store = Services.GetRequiredService<IUsageStore>();
        var writer = Services.GetRequiredService<UsageWriter>();
        Task<IReadOnlyList<UsageRecord>> ReadAsync() => store.ReadRecordsAsync(agency, since, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        await Poll.UntilAsync(async () =>
        {
            try
            {
                return done(await ReadAsync());
            }
            catch (System.Data.Common.DbException)
            {
                // A store that is coming back (tests stop and start PostgreSQL).
                return false;
            }
        }, $"usage records of {agency}");
        await Poll.UntilAsync(() => writer.Backlog == 0, "metering backlog written");
        return await ReadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Owned by the workspace: a test that stops it early does not stop it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Data.Dispose();
        Admin.Dispose();
        await App.DisposeAsync();
    }
}
