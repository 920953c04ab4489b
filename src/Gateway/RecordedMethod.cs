using System.Collections.Frozen;

namespace Ndxp.Gateway;

/// <summary>
/// The HTTP method as the gateway records it (summary log, usage records, metric labels): one of the methods a service
/// can be registered for, else <c>OTHER</c>. Kestrel accepts any token as a method, thousands of characters long, and
/// a caller must not be able to write that into every log line and stored record.
/// </summary>
internal static class RecordedMethod
{
    public const string Other = "OTHER";

    private static readonly FrozenSet<string> Known =
        new[] { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" }.ToFrozenSet(StringComparer.Ordinal);

    public static string Of(string method) => Known.TryGetValue(method, out var known) ? known : Other;
}
