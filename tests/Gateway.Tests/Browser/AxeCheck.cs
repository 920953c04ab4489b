using System.Text.Json;
using Microsoft.Playwright;

namespace Ndxp.Gateway.Tests.Browser;

/// <summary>
/// The WCAG 2.1 A and AA rules of axe-core (the npm package at the version <c>package-lock.json</c> pins, which the
/// test project's build installs and copies beside the tests) run on the page as it is.
/// </summary>
internal static class AxeCheck
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Browser", "axe.min.js");

    private const int TargetsShown = 3;

    private const string Run = """
        async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations
        """;

    /// <summary>Fails listing every violation: its rule, impact, help and its first elements' selectors.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var found = await ViolationsAsync(page);
        Assert.True(found.Count == 0, $"axe-core: {found.Count} WCAG 2.1 A/AA violation(s) on {page.Url}:\n{string.Join('\n', found)}");
    }

    /// <summary>Opens each of <paramref name="urls"/> in turn and fails once, listing every page's violations.</summary>
    public static async Task AssertAccessibleAsync(IPage page, IEnumerable<string> urls)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(urls);
        var found = new List<string>();
        foreach (var url in urls)
        {
            var response = await page.GotoAsync(url);
            Assert.True(response?.Ok, $"{url}: {response?.Status}");
            found.AddRange((await ViolationsAsync(page)).Select(violation => $"{url} {violation}"));
        }

        Assert.True(found.Count == 0, $"axe-core: {found.Count} WCAG 2.1 A/AA violation(s):\n{string.Join('\n', found)}");
    }

    private static async Task<List<string>> ViolationsAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        // axe lives in the document it was injected into: a page navigated to since the last check no longer has it.
        if (!await page.EvaluateAsync<bool>("() => typeof axe !== 'undefined'"))
        {
            // An injected script runs only because the session bypasses the pages' Content-Security-Policy (BrowserSession).
            await page.AddScriptTagAsync(new() { Path = Script });
        }

        var violations = await page.EvaluateAsync<JsonElement>(Run);
        return [.. violations.EnumerateArray().Select(Describe)];
    }

    private static string Describe(JsonElement violation)
    {
        var nodes = violation.GetProperty("nodes").EnumerateArray().ToList();
        var targets = nodes.Take(TargetsShown).Select(node => node.GetProperty("target").ToString());
        var more = nodes.Count > TargetsShown ? $" and {nodes.Count - TargetsShown} more" : "";
        return $"- {violation.GetProperty("id").GetString()} ({violation.GetProperty("impact")}): {violation.GetProperty("help").GetString()}; "
            + $"{string.Join(", ", targets)}{more}";
    }
}
