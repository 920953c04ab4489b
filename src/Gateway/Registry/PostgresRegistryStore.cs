using Ndxp.Gateway.Hosting;
using Npgsql;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// The registry of a cluster: PostgreSQL shared by all replicas, with the same shape as the embedded store (each
/// entity a JSON document keyed by kind and id, plus a revision counter that every committed change increases).
/// </summary>
internal sealed class PostgresRegistryStore : IRegistryStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS registry_entity (
            kind       text        NOT NULL,
            id         text        NOT NULL,
            document   jsonb       NOT NULL,
            version    bigint      NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (kind, id)
        );
        CREATE TABLE IF NOT EXISTS registry_revision (
            singleton  integer PRIMARY KEY CHECK (singleton = 1),
            revision   bigint NOT NULL
        );
        INSERT INTO registry_revision (singleton, revision) VALUES (1, 0) ON CONFLICT DO NOTHING;
        """;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresRegistryStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        PostgresSchema.EnsureAsync(_dataSource, "ndxp_gateway_registry_schema", Schema, cancellationToken);

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT NOT EXISTS (SELECT 1 FROM registry_entity)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT revision FROM registry_revision WHERE singleton = 1");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<(RegistryDocument Document, long Revision)> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot of both tables: a change committed in between cannot mix old entities with a new revision.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var revisionCommand = new NpgsqlCommand("SELECT revision FROM registry_revision WHERE singleton = 1", connection, transaction);
        var revision = (long)(await revisionCommand.ExecuteScalarAsync(cancellationToken))!;

        var rows = new RegistryEntities.Reader();
        await using var command = new NpgsqlCommand("SELECT kind, id, document::text FROM registry_entity ORDER BY kind, id", connection, transaction);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(reader.GetString(0), reader.GetString(1), reader.GetString(2));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return (rows.Document(), revision);
    }

    public async Task<long> ReplaceAllAsync(RegistryDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand("DELETE FROM registry_entity", connection, transaction))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var entities = RegistryEntities.Of(document).ToList();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO registry_entity (kind, id, document, version, updated_at)
            SELECT kind, id, document::jsonb, 1, now() FROM unnest(@kinds, @ids, @documents) AS t(kind, id, document)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("kinds", entities.Select(e => e.Kind).ToArray());
            insert.Parameters.AddWithValue("ids", entities.Select(e => e.Id).ToArray());
            insert.Parameters.AddWithValue("documents", entities.Select(e => e.Json).ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var bump = new NpgsqlCommand("UPDATE registry_revision SET revision = revision + 1 WHERE singleton = 1 RETURNING revision", connection, transaction);
        var revision = (long)(await bump.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return revision;
    }
}
