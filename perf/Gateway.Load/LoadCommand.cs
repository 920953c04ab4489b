namespace Ndxp.Gateway.Load;

/// <summary>
/// The tool from arguments to exit code: 0 the run passed its thresholds, 1 bad arguments, 2 a threshold was
/// missed (the reason printed), 3 the run could not start (target unreachable, credentials refused).
/// </summary>
internal static class LoadCommand
{
    public const int Passed = 0;
    public const int BadArguments = 1;
    public const int ThresholdMissed = 2;
    public const int CouldNotStart = 3;

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancel, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var errors = new List<string>();
        var options = LoadOptionsParser.Parse(args, errors);
        if (options is null)
        {
            foreach (var message in errors)
            {
                await error.WriteLineAsync("error: " + message);
            }

            await error.WriteLineAsync(LoadOptionsParser.Usage);
            return BadArguments;
        }

        LoadReport report;
        await using (var run = new LoadRun(options, time, error, handler))
        {
            try
            {
                report = LoadReport.Build(options, await run.RunAsync(cancel));
            }
            catch (LoadSetupException ex)
            {
                await error.WriteLineAsync("error: " + ex.Message);
                return CouldNotStart;
            }
        }

        if (options.ReportDirectory is { } directory)
        {
            await report.WriteAsync(directory);
        }

        await output.WriteAsync(report.ToMarkdown());
        foreach (var missed in report.Thresholds.Where(t => !t.Passed))
        {
            await error.WriteLineAsync($"threshold missed: {missed.Name}: limit {missed.Limit}, actual {missed.Actual}");
        }

        return report.Passed ? Passed : ThresholdMissed;
    }
}
