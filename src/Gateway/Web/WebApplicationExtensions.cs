using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Web;

/// <summary>The console's and portal's steps of the pipeline and their endpoints, when sign-in is configured.</summary>
public static class WebApplicationExtensions
{
    private const string LanguageCookie = "ndxp-lang";
    private static readonly string[] Languages = ["vi", "en"];

    /// <summary>
    /// Each area's assets (our stylesheet and scripts, Chart.js) from the assembly, on its own port only; before
    /// routing, whose fallback would otherwise claim the path.
    /// </summary>
    public static WebApplication UseWebAssets(this WebApplication app, GatewayHostOptions host)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(host);
        if (!Enabled(app))
        {
            return app;
        }

        var assets = new ManifestEmbeddedFileProvider(typeof(WebApplicationExtensions).Assembly, "Web/assets");
        foreach (var area in WebArea.All)
        {
            var onAdminPort = area == WebArea.Console;
            app.UseWhen(
                context => (context.Connection.LocalPort == host.AdminPort) == onAdminPort,
                branch => branch.UseStaticFiles(new StaticFileOptions
                {
                    FileProvider = assets,
                    RequestPath = area.PathBase + "/assets",
                    OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
                }));
        }

        return app;
    }

    /// <summary>The pages' language (a cookie, else the browser's, else Vietnamese) and the headers every page carries.</summary>
    public static WebApplication UseWebPages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!Enabled(app))
        {
            return app;
        }

        var cultures = Languages.Select(CultureInfo.GetCultureInfo).ToList();
        var localization = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture("vi"),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
            RequestCultureProviders =
            [
                new CookieRequestCultureProvider { CookieName = LanguageCookie },
                new CustomRequestCultureProvider(context => Task.FromResult(BrowserLanguage(context.Request))),
            ],
        };
        app.UseWhen(IsPage, branch =>
        {
            branch.UseRequestLocalization(localization);
            branch.Use((context, next) =>
            {
                var headers = context.Response.Headers;
                // Every script and style is the gateway's own file: nothing inline runs, nothing loads from elsewhere.
                headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                // As anti-forgery sets it on every page with a form (it would otherwise override ours and log that it did).
                headers.CacheControl = "no-cache, no-store";
                headers.Pragma = "no-cache";
                return next(context);
            });
            branch.UsePageFailures();
        });
        return app;
    }

    public static WebApplication MapWebPages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!Enabled(app))
        {
            return app;
        }

        app.MapRazorPages();
        foreach (var area in WebArea.All)
        {
            var language = app.MapGet(area.PathBase + "/language", (HttpContext context, string? lang, string? returnUrl) =>
            {
                if (lang is not null && Languages.Contains(lang))
                {
                    context.Response.Cookies.Append(LanguageCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(lang)), new CookieOptions
                    {
                        Path = area.PathBase,
                        HttpOnly = true,
                        SameSite = SameSiteMode.Strict,
                        Secure = context.Request.IsHttps,
                        MaxAge = TimeSpan.FromDays(365),
                    });
                }

                return Results.LocalRedirect(area.Contains(returnUrl) ? returnUrl! : area.PathBase + "/");
            }).ExcludeFromDescription();
            if (area == WebArea.Console)
            {
                language.OnAdminPlane();
            }
        }

        return app;
    }

    /// <summary>
    /// The first of the browser's languages (by quality) that the pages have, by its language part: "en-US" is English.
    /// (ASP.NET Core's own provider falls back from "en-US" to "en" through the culture's parent, which the gateway's
    /// globalization-invariant build does not know.)
    /// </summary>
    private static ProviderCultureResult? BrowserLanguage(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptLanguage, out var languages))
        {
            return null;
        }

        var language = languages.Where(l => l.Quality is not 0).OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value?.Split('-')[0].ToLowerInvariant())
            .FirstOrDefault(l => l is not null && Languages.Contains(l));
        return language is null ? null : new ProviderCultureResult(language);
    }

    private static bool IsPage(HttpContext context) => WebArea.Of(context.Request.Path) is not null;

    private static bool Enabled(WebApplication app) => app.Services.GetRequiredService<IOptions<SignInOptions>>().Value.Enabled;
}
