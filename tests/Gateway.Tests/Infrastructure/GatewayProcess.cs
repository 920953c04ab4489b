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

    private GatewayProcess(Process process, int dataPort, int adminPort)
    {
        _process = process;
        DataPort = dataPort;
        AdminPort = adminPort;
    }

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

    public static async Task<GatewayProcess> StartAsync(string dataDirectory, string seed, params string[] settings)
    {
        var dataPort = FreePort.Next();
        var adminPort = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "Ndxp.Gateway.dll"),
            $"--Gateway:DataPort={dataPort}",
            $"--Gateway:AdminPort={adminPort}",
            "--Gateway:ListenAddress=127.0.0.1",
            $"--Gateway:DataDirectory={dataDirectory}",
            $"--Registry:SeedFile={seed}",
            "--Serilog:MinimumLevel:Default=Warning",
            "--Serilog:MinimumLevel:Override:Ndxp.Gateway.Metering=Information",
            .. settings,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var gateway = new GatewayProcess(process, dataPort, adminPort);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"gateway exited with {process.ExitCode}: {gateway.Output}");
            }

            try
            {
                using var ready = await probe.GetAsync("/readyz");
                if (ready.IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("gateway not ready in 30 s: " + gateway.Output);
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
