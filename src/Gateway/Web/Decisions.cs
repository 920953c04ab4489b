namespace Ndxp.Gateway.Web;

/// <summary>A decision form's button: exactly "approve" or "reject"; anything else is no decision (never a rejection by default).</summary>
internal static class Decisions
{
    public static bool? Parse(string? decision) => decision switch
    {
        "approve" => true,
        "reject" => false,
        _ => null,
    };
}
