using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// The registry of a cluster: PostgreSQL shared by all replicas, with the same shape as the embedded store (each
/// entity a JSON document keyed by kind and id, plus a revision counter that every committed change increases).
/// A commit notifies <see cref="ChangeChannel"/> so replicas reload at once instead of at their next poll.
/// </summary>
internal sealed class PostgresRegistryStore : IRegistryStore
{
    public const string ChangeChannel = "ndxp_registry_changed";

    // Audit fields are text, stored byte for byte (not jsonb, which would reorder keys): the hash chain covers them.
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
        CREATE TABLE IF NOT EXISTS registry_audit (
            sequence      bigint      PRIMARY KEY,
            at            timestamptz NOT NULL,
            actor         text        NOT NULL,
            actor_agency  text,
            source        text,
            action        text        NOT NULL,
            kind          text        NOT NULL,
            entity_id     text        NOT NULL,
            before        text,
            after         text,
            revision      bigint      NOT NULL,
            previous_hash text        NOT NULL,
            hash          text        NOT NULL
        );
        CREATE TABLE IF NOT EXISTS registry_audit_head (
            singleton  integer PRIMARY KEY CHECK (singleton = 1),
            sequence   bigint NOT NULL,
            hash       text   NOT NULL
        );
        -- Append-only: the gateway never rewrites its trail; the hash chain catches whoever gets around this.
        CREATE OR REPLACE FUNCTION registry_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'registry_audit is append-only'; END $$;
        CREATE OR REPLACE TRIGGER registry_audit_append_only BEFORE UPDATE OR DELETE ON registry_audit
            FOR EACH ROW EXECUTE FUNCTION registry_audit_append_only();
        """;

        private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    public PostgresRegistryStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        _dataSource = dataSource;
        _timeProvider = timeProvider;
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

    public async Task<StoredRegistry> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot of both tables: a change committed in between cannot mix old entities with a new revision.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var stored = await ReadAsync(connection, transaction, lockForUpdate: false, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<RegistryCommitResult> CommitAsync(Func<StoredRegistry, IReadOnlyList<EntityChange>> plan, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The revision row is the registry's write lock: replicas committing at once plan one after the other.
        var stored = await ReadAsync(connection, transaction, lockForUpdate: true, cancellationToken);
        var changes = plan(stored);
        if (changes.Count == 0)
        {
            return new(stored, stored.Revision, changes);
        }

        var revision = stored.Revision + 1;
        var now = _timeProvider.GetUtcNow();
        await using (var bump = new NpgsqlCommand("UPDATE registry_revision SET revision = @revision WHERE singleton = 1", connection, transaction))
        {
            bump.Parameters.AddWithValue("revision", revision);
            await bump.ExecuteNonQueryAsync(cancellationToken);
        }

        var deleted = changes.Where(c => c.After is null).ToList();
        await using (var delete = new NpgsqlCommand("DELETE FROM registry_entity WHERE (kind, id) IN (SELECT * FROM unnest(@kinds, @ids))", connection, transaction))
        {
            delete.Parameters.AddWithValue("kinds", deleted.Select(c => c.Kind).ToArray());
            delete.Parameters.AddWithValue("ids", deleted.Select(c => c.Id).ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var written = changes.Where(c => c.After is not null).ToList();
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO registry_entity (kind, id, document, version, updated_at)
            SELECT kind, id, document::jsonb, @revision, @now FROM unnest(@kinds, @ids, @documents) AS t(kind, id, document)
            ON CONFLICT (kind, id) DO UPDATE SET document = excluded.document, version = excluded.version, updated_at = excluded.updated_at
            """, connection, transaction))
        {
            upsert.Parameters.AddWithValue("revision", revision);
            upsert.Parameters.AddWithValue("now", now);
            upsert.Parameters.AddWithValue("kinds", written.Select(c => c.Kind).ToArray());
            upsert.Parameters.AddWithValue("ids", written.Select(c => c.Id).ToArray());
            upsert.Parameters.AddWithValue("documents", written.Select(c => c.After!).ToArray());
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        var head = await AppendAuditAsync(connection, transaction, now, actor, changes, revision, cancellationToken);
        await using (var moveHead = new NpgsqlCommand("""
            INSERT INTO registry_audit_head (singleton, sequence, hash) VALUES (1, @sequence, @hash)
            ON CONFLICT (singleton) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash;
            SELECT pg_notify(@channel, @revision::text);
            """, connection, transaction))
        {
            moveHead.Parameters.AddWithValue("sequence", head.Sequence);
            moveHead.Parameters.AddWithValue("hash", head.Hash);
            moveHead.Parameters.AddWithValue("channel", ChangeChannel);
            moveHead.Parameters.AddWithValue("revision", revision);
            await moveHead.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new(stored, revision, changes, head);
    }

    public async Task<AuditHead> RecordAsync(EntityChange access, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Under the registry's write lock, as a commit: the audit trail takes one entry at a time.
        var stored = await ReadAsync(connection, transaction, lockForUpdate: true, cancellationToken);
        var head = await AppendAuditAsync(connection, transaction, _timeProvider.GetUtcNow(), actor, [access], stored.Revision, cancellationToken);
        await using (var moveHead = new NpgsqlCommand("""
            INSERT INTO registry_audit_head (singleton, sequence, hash) VALUES (1, @sequence, @hash)
            ON CONFLICT (singleton) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
            """, connection, transaction))
        {
            moveHead.Parameters.AddWithValue("sequence", head.Sequence);
            moveHead.Parameters.AddWithValue("hash", head.Hash);
            await moveHead.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return head;
    }

    // The changes' audit entries, sealed onto the trail's head; the caller moves the head in its transaction.
    private static async Task<AuditHead> AppendAuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, AuditActor actor, IReadOnlyList<EntityChange> changes, long revision,
        CancellationToken cancellationToken)
    {
        var entries = RegistryAudit.Seal(await ReadAuditHeadAsync(connection, transaction, cancellationToken), now, actor, changes, revision);
        foreach (var entry in entries)
        {
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO registry_audit ({AuditColumns.Select})
                VALUES (@sequence, @at, @actor, @agency, @source, @action, @kind, @id, @before, @after, @revision, @previous, @hash)
                """, connection, transaction);
            insert.Parameters.AddWithValue("sequence", entry.Sequence);
            insert.Parameters.AddWithValue("at", entry.At);
            insert.Parameters.AddWithValue("actor", entry.Actor);
            insert.Parameters.AddWithValue("agency", NpgsqlDbType.Text, (object?)entry.ActorAgency ?? DBNull.Value);
            insert.Parameters.AddWithValue("source", NpgsqlDbType.Text, (object?)entry.Source ?? DBNull.Value);
            insert.Parameters.AddWithValue("action", entry.Action);
            insert.Parameters.AddWithValue("kind", entry.Kind);
            insert.Parameters.AddWithValue("id", entry.EntityId);
            insert.Parameters.AddWithValue("before", NpgsqlDbType.Text, (object?)entry.Before ?? DBNull.Value);
            insert.Parameters.AddWithValue("after", NpgsqlDbType.Text, (object?)entry.After ?? DBNull.Value);
            insert.Parameters.AddWithValue("revision", entry.Revision);
            insert.Parameters.AddWithValue("previous", entry.PreviousHash);
            insert.Parameters.AddWithValue("hash", entry.Hash);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return new AuditHead(entries[^1].Sequence, entries[^1].Hash);
    }

    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = _dataSource.CreateCommand(query.Sql());
        query.AddParameters(command);
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(AuditColumns.Read(reader, r => new DateTimeOffset(r.GetDateTime(1), TimeSpan.Zero)));
        }

        return entries;
    }

    public async Task<AuditHead> ReadAuditHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAuditHeadAsync(connection, null, cancellationToken);
    }

    private static async Task<AuditHead> ReadAuditHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT sequence, hash FROM registry_audit_head WHERE singleton = 1", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new AuditHead(reader.GetInt64(0), reader.GetString(1)) : AuditHead.Empty;
    }

    private static async Task<StoredRegistry> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, bool lockForUpdate, CancellationToken cancellationToken)
    {
        var lockClause = lockForUpdate ? " FOR UPDATE" : "";
        await using var revisionCommand = new NpgsqlCommand($"SELECT revision FROM registry_revision WHERE singleton = 1{lockClause}", connection, transaction);
        var revision = (long)(await revisionCommand.ExecuteScalarAsync(cancellationToken))!;

        var rows = new RegistryEntities.Reader();
        await using var command = new NpgsqlCommand("SELECT kind, id, document::text, version FROM registry_entity ORDER BY kind, id", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3));
        }

        return rows.Stored(revision);
    }
}
