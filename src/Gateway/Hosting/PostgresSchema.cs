using Npgsql;

namespace Ndxp.Gateway.Hosting;

/// <summary>Creates a store's tables in PostgreSQL, once, even when every replica starts at the same moment.</summary>
internal static class PostgresSchema
{
    // name: the schema's advisory lock, one per store; ddl: idempotent statements (CREATE ... IF NOT EXISTS).
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, string name, string ddl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog: serialise them per schema.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@name))", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("name", name);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(ddl, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
