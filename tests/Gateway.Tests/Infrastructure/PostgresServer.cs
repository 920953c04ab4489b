using Npgsql;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for the test run: <c>initdb</c> in a temporary folder, <c>pg_ctl</c> on a free loopback
/// port, deleted afterwards. No system service is used. Each test takes a database of its own.
/// As root (CI), the server runs as the <c>postgres</c> user, because PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-pg-").FullName;
    private string _bin = "";
    private int _databases;

    public int Port { get; } = FreePort.Next();

    private string DataDirectory => Path.Combine(_directory, "data");

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "-R", "postgres:postgres", _directory);
        }

        await PgAsync("initdb", "-D", DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        await StartAsync();
    }

    /// <summary>A new empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        await using var admin = new NpgsqlConnection(ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server (fast shutdown), as an outage would.</summary>
    public async Task StopAsync()
    {
        await PgAsync("pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "stop");
        // Pooled connections to the stopped server are dead: later tests must not be handed one.
        NpgsqlConnection.ClearAllPools();
    }

    public Task StartAsync() => PgAsync(
        "pg_ctl", "-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(_directory, "server.log"),
        "-o", $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=15;Pooling=true";

    private static string FindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) not found: run ./test.sh, which installs the Debian package.");
    }

    private Task PgAsync(string tool, params string[] arguments)
    {
        var path = Path.Combine(_bin, tool);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var (exitCode, output) = await Tool.RunAsync(file, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({exitCode}): {output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
