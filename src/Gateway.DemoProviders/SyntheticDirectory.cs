using System.Collections.Frozen;

namespace Ndxp.Gateway.DemoProviders;

/// <summary>An in-memory table of synthetic records keyed by their identifier: what each demo database is.</summary>
public sealed class SyntheticDirectory<TRecord>
    where TRecord : class
{
    private readonly FrozenDictionary<string, TRecord> _records;

    public SyntheticDirectory(IEnumerable<TRecord> records, Func<TRecord, string> key)
    {
        // The first record of an identifier wins, so well-known records listed first are never replaced.
        _records = records.DistinctBy(key).ToFrozenDictionary(key, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Ids => _records.Keys;

    public TRecord? Find(string id) => _records.GetValueOrDefault(id);
}
