using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Ndxp.Gateway.DemoProviders;

/// <summary>
/// Reads the small URL-encoded forms the stand-in identity providers take. Only that media type: their fields need no
/// multipart parser, and one less parser is one less way to fail.
/// </summary>
internal static class DemoForm
{
    public const string MediaType = "application/x-www-form-urlencoded";

    /// <returns>The form, or no form and the status that says why: 415 for another media type, 413 for a body over
    /// <paramref name="maxBytes"/>, 400 for one that does not parse.</returns>
    public static async Task<(IFormCollection? Form, int RefusalStatus)> ReadAsync(HttpContext context, long maxBytes)
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return (null, StatusCodes.Status415UnsupportedMediaType);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = maxBytes;
        }

        try
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted), 0);
        }
        catch (BadHttpRequestException unread)
        {
            return (null, unread.StatusCode);
        }
    }
}
