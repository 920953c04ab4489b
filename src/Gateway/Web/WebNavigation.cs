namespace Ndxp.Gateway.Web;

/// <summary>The pages each area's navigation lists, in order: a path under the area and the key of its text.</summary>
internal static class WebNavigation
{
    public static IReadOnlyList<(string Path, string TextKey)> Console { get; } =
    [
        ("/", "Nav.Dashboard"),
        ("/agencies", "Nav.Agencies"),
        ("/clients", "Nav.Clients"),
        ("/services", "Nav.Services"),
        ("/grants", "Nav.Grants"),
        ("/requests", "Nav.Requests"),
        ("/revocations", "Nav.Revocations"),
        ("/audit", "Nav.Audit"),
        ("/usage", "Nav.Usage"),
    ];

    public static IReadOnlyList<(string Path, string TextKey)> Portal { get; } =
    [
        ("/", "Nav.Overview"),
        ("/catalogue", "Nav.Catalogue"),
        ("/requests", "Nav.Requests"),
        ("/usage", "Nav.Usage"),
    ];
}
