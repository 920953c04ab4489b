namespace Ndxp.Gateway.DemoProviders;

/// <summary>The demo providers' problem answers (RFC 9457), each with a stable <c>type</c> under one prefix.</summary>
internal static class DemoProblems
{
    public const string TypePrefix = "urn:ndxp:demo:problem:";

    public static IResult BadIdentifier(string what, string detail) => Of(400, "bad-identifier", $"Malformed {what}", detail);

    public static IResult NotFound(string what) => Of(404, "not-found", $"No {what} with this identifier");

    /// <summary>Why <see cref="DemoForm.ReadAsync"/> read no form, for a request named by <paramref name="what"/>.</summary>
    public static IResult UnreadForm(int status, string what, string fields, long maxBytes) =>
        status == StatusCodes.Status415UnsupportedMediaType
            ? Of(status, "unsupported-media-type", $"{what} is a form", $"Send {fields} as {DemoForm.MediaType}.")
            : Of(status, "unreadable-form", "The form could not be read", $"{what} is a form of at most {maxBytes} bytes.");

    public static IResult Of(int status, string name, string title, string? detail = null) =>
        Results.Problem(statusCode: status, type: TypePrefix + name, title: title, detail: detail);
}
