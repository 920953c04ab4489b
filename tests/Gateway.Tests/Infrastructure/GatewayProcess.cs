using System.Diagnostics;
using System.Text;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway as a separate process (<c>dotnet Ndxp.Gateway.dll</c>), for what only a real process shows: how it
/// ends on SIGTERM (as Kubernetes stops a pod) and what an abrupt SIGKILL leaves behind.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private GatewayProcess(Process process, int dataPort, int adminPort)
    {
        _process = process;
        DataPort = dataPort;
        AdminPort = adminPort;
        Data = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dataPort}") };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
    }

    /// <summary>The process id, for reading what it uses from <c>/proc</c> (<see cref="ProcessUsage"/>).</summary>
    public int Id => _process.Id;

    public int DataPort { get; }

    public int AdminPort { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public HttpClient Data { get; }

    public HttpClient Admin { get; }

    /// <summary>
    /// Starts <c>dotnet Ndxp.Gateway.dll</c> with these arguments and, beside the test process's, these environment
    /// variables; see <see cref="GatewayWorkspace.StartProcessAsync(string[])"/>.
    /// </summary>
    public static GatewayProcess Start(int dataPort, int adminPort, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Ndxp.Gateway.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var gateway = new GatewayProcess(process, dataPort, adminPort);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    public async Task WaitUntilReadyAsync()
    {
        var ready = await Poll.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"gateway exited with {_process.ExitCode}: {Output}");
            }

            return await Admin.AnswersAsync("/readyz");
        }, ready => ready, TimeSpan.FromSeconds(60));
        Assert.True(ready, "gateway not ready in 60 s: " + Output);
    }

    /// <summary>SIGTERM: what Kubernetes sends to stop a pod gracefully.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL: no chance to flush anything.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        // Owned by the workspace too: the second dispose does nothing.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Data.Dispose();
        Admin.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
