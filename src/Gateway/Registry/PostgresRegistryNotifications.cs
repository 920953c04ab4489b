using Npgsql;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// Listens on PostgreSQL for committed registry changes (<c>LISTEN</c>, sent by every commit with <c>pg_notify</c>)
/// and wakes the <see cref="RegistryReloader"/>, so replicas follow a change in milliseconds. Notifications are not
/// durable (a dropped connection misses them), which is why the reloader also polls.
/// </summary>
internal sealed partial class PostgresRegistryNotifications(NpgsqlDataSource dataSource, RegistryReloader reloader, ILogger<PostgresRegistryNotifications> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => reloader.Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresRegistryStore.ChangeChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Anything committed while this replica was not listening is picked up now.
                reloader.Wake();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or InvalidOperationException)
            {
                Log.ListenFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Listening for registry changes failed; polling covers until the listener reconnects")]
        public static partial void ListenFailed(ILogger logger, Exception exception);
    }
}
