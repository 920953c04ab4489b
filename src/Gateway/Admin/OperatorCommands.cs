using System.Text.Json;
using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// Operator commands on the configured stores, for a shell on a gateway host or a CI job:
/// <c>audit verify</c>, <c>audit verify-calls</c>, <c>registry export [FILE]</c> and <c>registry apply FILE [--dry-run]</c>. They take the
/// same settings as the gateway (<c>--Storage:PostgresConnectionString=...</c>, environment variables) and record
/// their changes in the audit trail as <c>cli:user@host</c>.
/// </summary>
public static class OperatorCommands
{
    private const string LogCategory = "Ndxp.Gateway.Admin.OperatorCommands";

    // The commands' own output goes to standard output; their log, the copy of the audit head included, to standard error.
    private static readonly string[] CommandLogSettings =
    [
        $"--Serilog:MinimumLevel:Override:{LogCategory}=Information",
        "--Observability:LogToStandardError=true",
    ];

    public static bool Handles(string[] args) => args is ["audit", "verify" or "verify-calls", ..] or ["registry", "export" or "apply", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var operands = args.Skip(2).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var dryRun = args.Contains("--dry-run", StringComparer.Ordinal);
        var settings = args.Skip(2).Where(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--dry-run").ToArray();
        await using var app = GatewayApplication.CreateForCommand([.. CommandLogSettings, .. settings, "--Serilog:MinimumLevel:Default=Warning"]);
        var store = app.Services.GetRequiredService<IRegistryStore>();
        await store.InitializeAsync(CancellationToken.None);

        switch (args[0], args[1])
        {
            case ("audit", "verify"):
                var verification = await AuditVerifier.VerifyAsync(store, CancellationToken.None);
                if (verification.Valid)
                {
                    await output.WriteLineAsync($"audit trail intact: {verification.VerifiedEntries} entries verified");
                    return 0;
                }

                await error.WriteLineAsync($"audit trail BROKEN at entry {verification.FirstBrokenSequence}: {verification.Reason} ({verification.VerifiedEntries} entries before it verified)");
                return 1;

            case ("audit", "verify-calls"):
                return await VerifyCallsAsync(app.Services, output, error);

            case ("registry", "export"):
                var stored = await store.ReadAsync(CancellationToken.None);
                var json = JsonSerializer.Serialize(DeclarativeRegistry.Export(stored.Document), RegistryJson.Options);
                if (operands is [var outFile])
                {
                    await File.WriteAllTextAsync(outFile, json + Environment.NewLine);
                    await output.WriteLineAsync($"registry revision {stored.Revision} exported to {outFile}");
                }
                else
                {
                    await output.WriteLineAsync(json);
                }

                return 0;

            default:
                if (operands is not [var file])
                {
                    await error.WriteLineAsync("usage: registry apply FILE [--dry-run]");
                    return 2;
                }

                var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
                return await ApplyAsync(store, RegistryJson.ReadFile(file), dryRun, logger, output, error);
        }
    }

    // Exit 0 when every chain holds, 1 naming the first broken batch.
    private static async Task<int> VerifyCallsAsync(IServiceProvider services, TextWriter output, TextWriter error)
    {
        await services.GetRequiredService<Metering.IUsageStore>().InitializeAsync(CancellationToken.None);
        var calls = await Metering.CallChainVerifier.VerifyAsync(services.GetRequiredService<Metering.ICallChainStore>(), CancellationToken.None);
        foreach (var chain in calls.Chains)
        {
            await output.WriteLineAsync($"chain {chain.Chain}: {chain.VerifiedBatches} batches, {chain.VerifiedRecords} records verified{(chain.Valid ? "" : " before the break")}");
        }

        if (calls.Valid)
        {
            await output.WriteLineAsync($"call records intact: {calls.Chains.Count} chains verified");
            return 0;
        }

        await error.WriteLineAsync($"call records BROKEN: {calls.FirstProblem}");
        return 1;
    }

    private static async Task<int> ApplyAsync(IRegistryStore store, RegistryDocument file, bool dryRun, ILogger logger, TextWriter output, TextWriter error)
    {
        try
        {
            RegistryApplyReport report;
            if (dryRun)
            {
                var stored = await store.ReadAsync(CancellationToken.None);
                report = RegistryApplyReport.Of(stored.Revision, DeclarativeRegistry.Plan(stored.Document, file), dryRun: true);
            }
            else
            {
                var actor = new AuditActor($"cli:{Environment.UserName}@{Environment.MachineName}", null, "cli");
                var result = await store.CommitAsync(stored => DeclarativeRegistry.Plan(stored.Document, file), actor, CancellationToken.None);
                if (result.Changes.Count > 0)
                {
                    // As for changes through the API: the trail's head leaves the database in the log.
                    RegistryChangeLog.Committed(logger, actor.Actor, result.Changes.Count, result.Revision, result.AuditHead!.Sequence, result.AuditHead.Hash);
                }

                report = RegistryApplyReport.Of(result.Revision, result.Changes, dryRun: false);
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(report, RegistryJson.Options));
            return 0;
        }
        catch (RegistryValidationException invalid)
        {
            await error.WriteLineAsync(invalid.Message);
            return 1;
        }
    }
}
