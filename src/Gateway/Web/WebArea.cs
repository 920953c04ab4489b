namespace Ndxp.Gateway.Web;

/// <summary>One of the two signed-in areas: its path, its cookie session, its sign-in scheme and its policy.</summary>
public sealed record WebArea(string Name)
{
    /// <summary>The operator console, on the admin port.</summary>
    public static WebArea Console { get; } = new("console");

    /// <summary>The agency portal, on the data port.</summary>
    public static WebArea Portal { get; } = new("portal");

    public static IReadOnlyList<WebArea> All { get; } = [Console, Portal];

    /// <summary>The area a request's path is in, or null (the portal API under <c>/portal/v1</c> is JSON, not a page).</summary>
    public static WebArea? Of(PathString path) =>
        path.StartsWithSegments(Console.PathBase) ? Console
        : path.StartsWithSegments(Portal.PathBase) && !path.StartsWithSegments(AccessRequests.AccessRequestApi.PortalPrefix) ? Portal
        : null;

    public string PathBase => "/" + Name;

    public string CookieScheme => Name;

    public string SignInScheme => Name + "-oidc";

    public string Policy => Name + "-staff";

    /// <summary>Whether <paramref name="path"/> (a path and query from the request) stays inside this area.</summary>
    public bool Contains(string? path) =>
        path is not null
        // Case matters: the session cookie's path does, so /CONSOLE/x would be a page without the session.
        && (path == PathBase || path.StartsWith(PathBase + "/", StringComparison.Ordinal))
        && !path.Contains("//", StringComparison.Ordinal) && !path.Contains('\\', StringComparison.Ordinal);
}
