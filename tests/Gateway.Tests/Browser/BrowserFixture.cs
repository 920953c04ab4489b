using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Ndxp.Gateway.Tests.Browser;

/// <summary>
/// One headless Chromium for the browser tests: Debian's, driven by the Playwright driver (and the Node.js it ships)
/// that the NuGet package copies beside the tests. Nothing is downloaded when the tests run: Playwright's own browser
/// builds are not reachable from CI, so <c>playwright install</c> is never called.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} not found: run ./test.sh, which installs the Debian package chromium.");
        }

        // Assertions wait for the page as actions do (BrowserSession): on a loaded CI machine a page after a commit can take seconds.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        // Chromium refuses to start its sandbox as root, which the CI containers run as.
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> on a page of a fresh <see cref="BrowserSession"/>; when it fails, the failure
    /// names the page it ended on and its screenshot (<see cref="BrowserSession.ScreenshotFolder"/>).
    /// </summary>
    /// <param name="scenario">What the test does and asserts in the browser.</param>
    /// <param name="name">The screenshot's name: the test's, unless a theory tells its cases apart.</param>
    internal async Task RunAsync(Func<IPage, Task> scenario, [CallerMemberName] string name = "")
    {
        await using var session = await BrowserSession.StartAsync(_browser!);
        await session.RunAsync(name, scenario);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>
/// The browser tests share one Chromium and take turns with it, alone: Chromium's rendering loads both cores, and the
/// suite's timing tests (a limiter's decision within 300 ms while Redis is slow) once missed theirs beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
