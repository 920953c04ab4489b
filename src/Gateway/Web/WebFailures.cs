using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Localization;

namespace Ndxp.Gateway.Web;

/// <summary>
/// What a person sees when a page or a sign-in fails: a short page in their language with a way to start again, never
/// a stack trace or an empty 500. The staff authority out of reach is a 503 (nothing the person did); a sign-in whose
/// answer cannot be used (expired, replayed, refused at the authority) a 400.
/// </summary>
internal static partial class WebFailures
{
    /// <summary>The OpenID Connect handler's callback could not complete the sign-in.</summary>
    public static Task SignInFailedAsync(RemoteFailureContext context, WebArea area)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebFailures));
        // The failure's type and message: IdentityModel keeps tokens and personal data out of its messages (ShowPII is off).
        Log.SignInFailed(logger, area.Name, context.Failure?.GetType().Name, context.Failure?.Message);
        context.HandleResponse();
        return WriteAsync(context.HttpContext, area, StatusCodes.Status400BadRequest, "Failure.SignIn");
    }

    /// <summary>Answers an exception a page or a sign-in challenge let escape (the area's pages only).</summary>
    public static void UsePageFailures(this IApplicationBuilder pages) => pages.UseExceptionHandler(new ExceptionHandlerOptions
    {
        // Logged once, below, with the area and what it means.
        SuppressDiagnosticsCallback = _ => true,
        ExceptionHandler = context =>
        {
            var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var area = WebArea.Of(context.Request.Path) ?? WebArea.Portal;
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebFailures));
            if (IsAuthorityUnreachable(failure, context.RequestAborted))
            {
                Log.AuthorityUnreachable(logger, area.Name, failure!.Message);
                return WriteAsync(context, area, StatusCodes.Status503ServiceUnavailable, "Failure.Authority");
            }

            Log.PageFailed(logger, failure, area.Name);
            return WriteAsync(context, area, StatusCodes.Status500InternalServerError, "Failure.Page");
        },
    });

    // The handler reads the authority's discovery document on the first sign-in and after a refresh interval, and
    // redeems codes there; when it cannot reach it, an HTTP failure (or its timeout, while the person still waits) is
    // somewhere in the chain of what it throws. Only the handler calls out over HTTP from a page.
    private static bool IsAuthorityUnreachable(Exception? failure, CancellationToken requestAborted)
    {
        for (var inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException || (inner is TaskCanceledException && !requestAborted.IsCancellationRequested))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task WriteAsync(HttpContext context, WebArea area, int status, string textKey)
    {
        var texts = context.RequestServices.GetRequiredService<IStringLocalizer<Texts>>();
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        var encoder = HtmlEncoder.Default;
        await response.WriteAsync($"""
            <!doctype html><html lang="{(System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.Ordinal) ? "en" : "vi")}"><head><meta charset="utf-8">
            <title>{encoder.Encode(texts["Failure.Title"])}</title><link rel="stylesheet" href="{area.PathBase}/assets/site.css"></head>
            <body><main id="main"><h1>{encoder.Encode(texts["Failure.Title"])}</h1><p>{encoder.Encode(texts[textKey])}</p>
            <p><a href="{area.PathBase}/">{encoder.Encode(texts["Failure.Again"])}</a></p></main></body></html>
            """, context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10001, Level = LogLevel.Warning, Message = "Sign-in to the {Area} failed: {Failure} {Reason}")]
        public static partial void SignInFailed(ILogger logger, string area, string? failure, string? reason);

        [LoggerMessage(EventId = 10002, Level = LogLevel.Error, Message = "A page of the {Area} failed")]
        public static partial void PageFailed(ILogger logger, Exception? exception, string area);

        [LoggerMessage(EventId = 10003, Level = LogLevel.Error, Message = "The staff identity provider is out of reach from the {Area}: {Reason}")]
        public static partial void AuthorityUnreachable(ILogger logger, string area, string reason);
    }
}
