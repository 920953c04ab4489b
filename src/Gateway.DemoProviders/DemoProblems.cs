namespace Ndxp.Gateway.DemoProviders;

/// <summary>Problem answers of the demo providers (RFC 9457).</summary>
internal static class DemoProblems
{
    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: 404, type: "urn:ndxp:demo:problem:not-found", title: $"No {what} with this identifier");

    public static IResult BadIdentifier(string what, string format) =>
        Results.Problem(statusCode: 400, type: "urn:ndxp:demo:problem:bad-identifier", title: $"Malformed {what}", detail: format);
}
