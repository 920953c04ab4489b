using System.Data.Common;
using System.Globalization;
using Ndxp.Gateway.Trail;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// One consistent read of a store's call chains: one connection in one read transaction, which the store opens (a WAL
/// snapshot in SQLite, a read-only repeatable-read transaction in PostgreSQL). The queries are the same in both; only
/// how a time column is read differs.
/// </summary>
internal sealed class CallChainReader(DbConnection connection, DbTransaction transaction, Func<DbDataReader, int, DateTimeOffset> time) : ICallChainReader
{
    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    public Task<IReadOnlyList<ChainState>> ReadChainsAsync(CancellationToken cancellationToken) => ReadChainsAsync(connection, transaction, cancellationToken);

    /// <summary>Every chain's state, on a connection of the caller's (retention reads them outside a reader too).</summary>
    public static Task<IReadOnlyList<ChainState>> ReadChainsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        ReadAllAsync(Command(connection, transaction, $"SELECT {CallChainColumns.Chain} FROM call_chain ORDER BY chain_id"), CallChainColumns.ReadChain, cancellationToken);

    public Task<IReadOnlyList<CallBatchSeal>> ReadSealsAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken) => ReadAllAsync(
        Command(connection, transaction,
            $"SELECT {CallChainColumns.Seal} FROM call_batch WHERE chain_id = @chain AND seq > @after ORDER BY seq LIMIT @limit",
            ("@chain", chain), ("@after", afterSequence), ("@limit", limit)),
        reader => CallChainColumns.ReadSeal(reader, r => time(r, 2)),
        cancellationToken);

    public Task<IReadOnlyList<Sealed<UsageRecord>>> ReadRecordsAsync(string chain, long first, long last, CancellationToken cancellationToken) => ReadAllAsync(
        Command(connection, transaction, $"""
            SELECT {UsageRecordColumns.Select}, batch_seq, batch_pos FROM usage_record
            WHERE chain_id = @chain AND batch_seq BETWEEN @first AND @last ORDER BY batch_seq, batch_pos
            """, ("@chain", chain), ("@first", first), ("@last", last)),
        reader => new Sealed<UsageRecord>(reader.GetInt64(15), reader.GetInt32(16), UsageRecordColumns.Read(reader, r => time(r, 1))),
        cancellationToken);

    public Task<IReadOnlyList<Sealed<TrailEntry>>> ReadTrailAsync(string chain, long first, long last, CancellationToken cancellationToken) => ReadAllAsync(
        Command(connection, transaction, $"""
            SELECT {CallChainColumns.Trail}, batch_seq, batch_pos FROM trail_entry
            WHERE chain_id = @chain AND batch_seq BETWEEN @first AND @last ORDER BY batch_seq, batch_pos
            """, ("@chain", chain), ("@first", first), ("@last", last)),
        reader => new Sealed<TrailEntry>(reader.GetInt64(10), reader.GetInt32(11), CallChainColumns.ReadTrailEntry(reader, r => time(r, 3))),
        cancellationToken);

    public async Task<long> CountUnsealedAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            SELECT (SELECT COUNT(*) FROM usage_record r LEFT JOIN call_chain c ON c.chain_id = r.chain_id
                    WHERE c.chain_id IS NULL OR r.batch_seq > c.head_seq OR r.batch_seq IS NULL OR r.batch_pos IS NULL)
                 + (SELECT COUNT(*) FROM trail_entry t LEFT JOIN call_chain c ON c.chain_id = t.chain_id
                    WHERE c.chain_id IS NULL OR t.batch_seq > c.head_seq)
            """);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using (command)
        {
            var items = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(read(reader));
            }

            return items;
        }
    }
}
