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

    /// <summary>An access recorded in the audit trail without a registry change (an auditor's search), with the new head.</summary>
    [LoggerMessage(EventId = 6002, Level = LogLevel.Information,
        Message = "Audit trail recorded {Kind} {Action} by {Actor}, audit head {AuditSequence} {AuditHash}")]
    public static partial void Recorded(ILogger logger, string actor, string kind, string action, long auditSequence, string auditHash);
}
