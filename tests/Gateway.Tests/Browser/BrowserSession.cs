using Microsoft.Playwright;
using Ndxp.Gateway.Tests.Infrastructure;
using Xunit.Sdk;

namespace Ndxp.Gateway.Tests.Browser;

/// <summary>
/// A test's own browser context (no cookie or storage of another test's) with one page. The pages are asked for in
/// English, and their Content-Security-Policy is bypassed so that <see cref="AxeCheck"/> can inject axe-core, which
/// <c>script-src 'self'</c> would otherwise refuse.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>Where failed scenarios leave their screenshots: test output, git-ignored with the rest of TestResults.</summary>
    public static readonly string ScreenshotFolder = Repository.File("tests", "Gateway.Tests", "TestResults", "browser");

    private const int PageTextLength = 2048;

    // Long enough for a page after a commit while the rest of the suite loads both cores (a decision once took over 10 s
    // there), short enough that a wait that never ends fails with the page it was on; the screenshot and page text of a
    // failure get a shorter one: a page that hangs must not hide the failure.
    private const float ActionTimeoutMs = 30_000;
    private const float FailureEvidenceTimeoutMs = 5_000;

    private readonly IBrowserContext _context;
    private readonly IPage _page;

    private BrowserSession(IBrowserContext context, IPage page)
    {
        _context = context;
        _page = page;
    }

    public static async Task<BrowserSession> StartAsync(IBrowser browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new()
        {
            // Sent as Accept-Language, as an English-speaking browser sends it: the pages answer in English.
            Locale = "en-US",
            BypassCSP = true,
        });
        context.SetDefaultTimeout(ActionTimeoutMs);
        context.SetDefaultNavigationTimeout(ActionTimeoutMs);
        return new BrowserSession(context, await context.NewPageAsync());
    }

    /// <summary>
    /// Runs <paramref name="scenario"/>; when it throws, saves a screenshot named after <paramref name="name"/> and fails
    /// with the page's address and the start of its text next to the original failure.
    /// </summary>
    public async Task RunAsync(string name, Func<IPage, Task> scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var screenshot = Path.Combine(ScreenshotFolder, string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c)) + ".png");
        // A screenshot left by an earlier run would otherwise be taken for this one's.
        if (File.Exists(screenshot))
        {
            File.Delete(screenshot);
        }

        try
        {
            await scenario(_page);
        }
        catch (Exception ex)
        {
            throw new XunitException(await DescribeFailureAsync(screenshot, ex), ex);
        }
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private async Task<string> DescribeFailureAsync(string screenshot, Exception failure)
    {
        string saved;
        try
        {
            Directory.CreateDirectory(ScreenshotFolder);
            await _page.ScreenshotAsync(new() { Path = screenshot, FullPage = true, Timeout = FailureEvidenceTimeoutMs });
            saved = screenshot;
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException or IOException)
        {
            saved = $"none ({ex.Message})";
        }

        string text;
        try
        {
            text = await _page.Locator("body").InnerTextAsync(new() { Timeout = FailureEvidenceTimeoutMs });
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            text = $"(unreadable: {ex.Message})";
        }

        return $"""
            {failure.GetType().Name}: {failure.Message}
            Page: {_page.Url}
            Screenshot: {saved}
            Page text (first {PageTextLength} characters):
            {(text.Length > PageTextLength ? text[..PageTextLength] : text)}
            """;
    }
}
