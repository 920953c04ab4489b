namespace Ndxp.Gateway.DemoProviders;

/// <summary>How every demo lookup answers: 400 for a malformed id, 404 for an unknown one (RFC 9457), else the record.</summary>
internal static class DemoLookup
{
    public static IResult Answer<TRecord>(
        string id,
        SyntheticDirectory<TRecord> directory,
        Func<string, bool> isWellFormed,
        string what,
        string format,
        Func<TRecord, object> body)
        where TRecord : class
    {
        if (!isWellFormed(id))
        {
            return DemoProblems.BadIdentifier(what, format);
        }

        return directory.Find(id) is { } record
            ? Results.Ok(body(record))
            : DemoProblems.NotFound(what);
    }
}
