using System.Globalization;
using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Audit;

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
            CREATE TABLE IF NOT EXISTS registry_audit (
                sequence      INTEGER PRIMARY KEY,
                at            TEXT    NOT NULL,
                actor         TEXT    NOT NULL,
                actor_agency  TEXT,
                source        TEXT,
                action        TEXT    NOT NULL,
                kind          TEXT    NOT NULL,
                entity_id     TEXT    NOT NULL,
                before        TEXT,
                after         TEXT,
                revision      INTEGER NOT NULL,
                previous_hash TEXT    NOT NULL,
                hash          TEXT    NOT NULL
            );
            CREATE TABLE IF NOT EXISTS registry_audit_head (
                singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
                sequence   INTEGER NOT NULL,
                hash       TEXT    NOT NULL
            );
            -- Append-only: the gateway never rewrites its trail; the hash chain catches whoever gets around this.
            CREATE TRIGGER IF NOT EXISTS registry_audit_no_update BEFORE UPDATE ON registry_audit
                BEGIN SELECT RAISE(ABORT, 'registry_audit is append-only'); END;
            CREATE TRIGGER IF NOT EXISTS registry_audit_no_delete BEFORE DELETE ON registry_audit
                BEGIN SELECT RAISE(ABORT, 'registry_audit is append-only'); END;
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT NOT EXISTS (SELECT 1 FROM registry_entity)";
        return Convert.ToBoolean(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadRevisionAsync(connection, null, cancellationToken);
    }

    public async Task<StoredRegistry> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        return await ReadAsync(connection, transaction, cancellationToken);
    }

    public async Task<RegistryCommitResult> CommitAsync(Func<StoredRegistry, IReadOnlyList<EntityChange>> plan, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: the write lock is taken before reading, so two commits cannot plan from the same state.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var stored = await ReadAsync(connection, transaction, cancellationToken);
        var changes = plan(stored);
        if (changes.Count == 0)
        {
            return new(stored, stored.Revision, changes);
        }

        var revision = stored.Revision + 1;
        var now = _timeProvider.GetUtcNow();
        await ExecuteAsync(connection, transaction, "UPDATE registry_revision SET revision = $revision WHERE singleton = 1", cancellationToken, ("$revision", revision));
        foreach (var change in changes)
        {
            if (change.After is null)
            {
                await ExecuteAsync(connection, transaction, "DELETE FROM registry_entity WHERE kind = $kind AND id = $id", cancellationToken,
                    ("$kind", change.Kind), ("$id", change.Id));
            }
            else
            {
                await ExecuteAsync(connection, transaction, """
                    INSERT INTO registry_entity (kind, id, document, version, updated_at) VALUES ($kind, $id, $document, $version, $now)
                    ON CONFLICT (kind, id) DO UPDATE SET document = excluded.document, version = excluded.version, updated_at = excluded.updated_at
                    """, cancellationToken,
                    ("$kind", change.Kind), ("$id", change.Id), ("$document", change.After), ("$version", revision), ("$now", now.ToString("O", CultureInfo.InvariantCulture)));
            }
        }

        var head = await AppendAuditAsync(connection, transaction, now, actor, changes, revision, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(stored, revision, changes, head);
    }

    public async Task<AuditHead> RecordAsync(EntityChange access, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var revision = await ReadRevisionAsync(connection, transaction, cancellationToken);
        var head = await AppendAuditAsync(connection, transaction, _timeProvider.GetUtcNow(), actor, [access], revision, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return head;
    }

    // The changes' audit entries, sealed onto the trail's head, and the new head; inside the caller's transaction.
    private static async Task<AuditHead> AppendAuditAsync(
        SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now, AuditActor actor, IReadOnlyList<EntityChange> changes, long revision,
        CancellationToken cancellationToken)
    {
        var entries = RegistryAudit.Seal(await ReadAuditHeadAsync(connection, transaction, cancellationToken), now, actor, changes, revision);
        foreach (var entry in entries)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO registry_audit (sequence, at, actor, actor_agency, source, action, kind, entity_id, before, after, revision, previous_hash, hash)
                VALUES ($sequence, $at, $actor, $agency, $source, $action, $kind, $id, $before, $after, $revision, $previous, $hash)
                """, cancellationToken,
                ("$sequence", entry.Sequence), ("$at", entry.At.ToString("O", CultureInfo.InvariantCulture)), ("$actor", entry.Actor),
                ("$agency", entry.ActorAgency), ("$source", entry.Source), ("$action", entry.Action), ("$kind", entry.Kind), ("$id", entry.EntityId),
                ("$before", entry.Before), ("$after", entry.After), ("$revision", entry.Revision), ("$previous", entry.PreviousHash), ("$hash", entry.Hash));
        }

        var head = new AuditHead(entries[^1].Sequence, entries[^1].Hash);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO registry_audit_head (singleton, sequence, hash) VALUES (1, $sequence, $hash)
            ON CONFLICT (singleton) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
            """, cancellationToken, ("$sequence", head.Sequence), ("$hash", head.Hash));
        return head;
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = query.Sql();
        query.AddParameters(command);
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(AuditColumns.Read(reader, r => DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        }

        return entries;
    }

    public async Task<AuditHead> ReadAuditHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadAuditHeadAsync(connection, null, cancellationToken);
    }

    private static async Task<AuditHead> ReadAuditHeadAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT sequence, hash FROM registry_audit_head WHERE singleton = 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new AuditHead(reader.GetInt64(0), reader.GetString(1)) : AuditHead.Empty;
    }

    private static async Task<StoredRegistry> ReadAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var revision = await ReadRevisionAsync(connection, transaction, cancellationToken);
        var rows = new RegistryEntities.Reader();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT kind, id, document, version FROM registry_entity ORDER BY kind, id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3));
        }

        return rows.Stored(revision);
    }

    private static async Task<long> ReadRevisionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT revision FROM registry_revision WHERE singleton = 1";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
