using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// Brings the registry up at start: schema, first-start seeding from the declarative file, then the first
/// snapshot. Runs before the host accepts calls, so a bad registry stops start-up with every error named.
/// </summary>
internal sealed partial class RegistryLoader
{
    private readonly IRegistryStore _store;
    private readonly RegistrySnapshotProvider _snapshots;
    private readonly RegistryOptions _options;
    private readonly ILogger<RegistryLoader> _logger;

    public RegistryLoader(IRegistryStore store, RegistrySnapshotProvider snapshots, IOptions<RegistryOptions> options, ILogger<RegistryLoader> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _snapshots = snapshots;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The audit trail's actor for the first-start import of the seed file.</summary>
    public const string SeedActor = "seed";

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken);

        if (_options.SeedFile is { } seedFile && await _store.IsEmptyAsync(cancellationToken))
        {
            var path = Path.IsPathRooted(seedFile) ? seedFile : Path.Combine(AppContext.BaseDirectory, seedFile);
            var seed = RegistryJson.ReadFile(path);
            try
            {
                RegistryDiff.EnsureValid(seed);
            }
            catch (RegistryValidationException ex)
            {
                throw new RegistryValidationException(ex.Errors.Select(e => e with { Message = $"{e.Message} (in {path})" }).ToList());
            }

            // Checked again under the store's write lock: replicas starting together on an empty store seed it once.
            var seeded = await _store.CommitAsync(
                stored => stored.Versions.Count == 0 ? DeclarativeRegistry.Plan(stored.Document, seed) : [],
                new Audit.AuditActor(SeedActor, null, "file:" + Path.GetFileName(path)),
                cancellationToken);
            if (seeded.Changes.Count > 0)
            {
                Log.Seeded(_logger, path, seeded.Revision, seeded.AuditHead!.Sequence, seeded.AuditHead.Hash);
            }
        }

        var registry = await _store.ReadAsync(cancellationToken);
        var snapshot = RegistrySnapshot.Compile(registry.Document, registry.Revision);
        _snapshots.Publish(snapshot);
        var document = registry.Document;
        Log.Loaded(_logger, registry.Revision, document.Agencies.Count, document.Clients.Count, document.Services.Count, document.Grants.Count);
    }

    private static partial class Log
    {
        // The audit head, as on every change: a copy of the trail's head outside the database from the first entry on.
        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Registry seeded from {SeedFile} at revision {Revision}, audit head {AuditSequence} {AuditHash}")]
        public static partial void Seeded(ILogger logger, string seedFile, long revision, long auditSequence, string auditHash);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
            Message = "Registry revision {Revision} loaded: {Agencies} agencies, {Clients} clients, {Services} services, {Grants} grants")]
        public static partial void Loaded(ILogger logger, long revision, int agencies, int clients, int services, int grants);
    }
}
