using Microsoft.Data.Sqlite;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// The embedded registry store: one SQLite file. Each entity is kept as its JSON document, keyed by kind and id,
/// so the schema does not change each time an entity gains a field; the registry is small and read whole.
/// </summary>
internal sealed class SqliteRegistryStore : IRegistryStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;

    public SqliteRegistryStore(string databasePath, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        _timeProvider = timeProvider;
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS registry_entity (
                kind       TEXT    NOT NULL,
                id         TEXT    NOT NULL,
                document   TEXT    NOT NULL,
                version    INTEGER NOT NULL,
                updated_at TEXT    NOT NULL,
                PRIMARY KEY (kind, id)
            );
            CREATE TABLE IF NOT EXISTS registry_revision (
                singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
                revision   INTEGER NOT NULL
            );
            INSERT OR IGNORE INTO registry_revision (singleton, revision) VALUES (1, 0);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT NOT EXISTS (SELECT 1 FROM registry_entity)";
        return Convert.ToBoolean(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT revision FROM registry_revision WHERE singleton = 1";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<(RegistryDocument Document, long Revision)> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        await using var revisionCommand = connection.CreateCommand();
        revisionCommand.Transaction = transaction;
        revisionCommand.CommandText = "SELECT revision FROM registry_revision WHERE singleton = 1";
        var revision = Convert.ToInt64(await revisionCommand.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

        var rows = new RegistryEntities.Reader();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT kind, id, document FROM registry_entity ORDER BY kind, id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }

        return (rows.Document(), revision);
    }

    public async Task<long> ReplaceAllAsync(RegistryDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var now = _timeProvider.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM registry_entity";
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO registry_entity (kind, id, document, version, updated_at) VALUES ($kind, $id, $document, 1, $now)";
            var kind = insert.Parameters.Add("$kind", SqliteType.Text);
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var json = insert.Parameters.Add("$document", SqliteType.Text);
            insert.Parameters.AddWithValue("$now", now);

            foreach (var (entityKind, entityId, entity) in RegistryEntities.Of(document))
            {
                kind.Value = entityKind;
                id.Value = entityId;
                json.Value = entity;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        long revision;
        await using (var bump = connection.CreateCommand())
        {
            bump.Transaction = transaction;
            bump.CommandText = "UPDATE registry_revision SET revision = revision + 1 WHERE singleton = 1 RETURNING revision";
            revision = Convert.ToInt64(await bump.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        await transaction.CommitAsync(cancellationToken);
        return revision;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
