using System.Globalization;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// Optimistic concurrency for admin writes (RFC 9110 section 13.1.1): an entity's ETag is the registry revision that
/// last wrote it, so any write in between changes it. Writes that replace or delete need <c>If-Match</c> (428 without),
/// and a tag that no longer matches is 412: two operators cannot silently overwrite each other.
/// </summary>
internal static class EntityTags
{
    public static string For(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>The If-Match header, or null when the request has none.</summary>
    public static string? IfMatch(HttpContext context, bool required)
    {
        var header = context.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return required
                ? throw new AdminRefusal(ProblemKind.PreconditionRequired, "Send If-Match with the ETag from a GET of this entity, or If-Match: * to overwrite whatever is there.")
                : null;
        }

        return header;
    }

    /// <summary>Throws 412 unless <paramref name="ifMatch"/> is absent, <c>*</c>, or lists the current version (strong comparison).</summary>
    public static void Check(string? ifMatch, long version)
    {
        if (ifMatch is null)
        {
            return;
        }

        var current = For(version);
        var matches = ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == "*" || string.Equals(tag, current, StringComparison.Ordinal));
        if (!matches)
        {
            throw new AdminRefusal(ProblemKind.PreconditionFailed, $"If-Match {ifMatch} does not match the current ETag {current}; read the entity again and reapply your change.");
        }
    }
}
