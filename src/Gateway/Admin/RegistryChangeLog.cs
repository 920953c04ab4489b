namespace Ndxp.Gateway.Admin;

/// <summary>
/// The log event of a committed registry change, whichever way it came (admin API or operator command): one event id
/// to search for, carrying the audit trail's head so that the log store keeps a copy the database cannot alter.
/// </summary>
internal static partial class RegistryChangeLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information,
        Message = "Registry changed by {Actor}: {Changes} entities, revision {Revision}, audit head {AuditSequence} {AuditHash}")]
    public static partial void Committed(ILogger logger, string actor, int changes, long revision, long auditSequence, string auditHash);
}
