using Ndxp.Gateway.Load;

namespace Ndxp.Gateway.Tests.Load;

public sealed class LoadOptionsParserTests
{
    [Theory]
    [InlineData("http://10.0.0.5:8080")]
    [InlineData("http://example.com")]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://[2001:db8::1]:8080")]
    public async Task A_target_that_is_not_loopback_is_refused_with_exit_1(string target)
    {
        var (exit, _, error) = await LoadTool.RunAsync("--target", target, "--rate", "10", "--duration", "1s");

        Assert.Equal(LoadCommand.BadArguments, exit);
        Assert.Contains("is not a loopback address", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://127.1.2.3:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    public void Loopback_targets_are_accepted(string target)
    {
        var errors = new List<string>();

        var options = LoadOptionsParser.Parse(["--target", target, "--rate", "10"], errors);

        Assert.Empty(errors);
        Assert.Equal(new Uri(target), options!.Target);
    }

    [Theory]
    [InlineData("--rate", "--rate, --ramp, --connections: give exactly one")]
    [InlineData("--rate 10 --connections 4", "give exactly one")]
    [InlineData("--rate -5", "--rate: -5 is not a number above 0")]
    [InlineData("--rate 10 --duration 10", "--duration: 10 is not a positive duration")]
    [InlineData("--ramp 500:4000", "--ramp: 500:4000 is not FROM:TO:DURATION")]
    [InlineData("--rate 10 --mix nosuch=1", "--mix: unknown scenario nosuch")]
    [InlineData("--rate 10 --max-p99 fast", "--max-p99: fast is not a positive duration")]
    [InlineData("--rate 10 --max-error-ratio 2", "--max-error-ratio: must be between 0 and 1")]
    [InlineData("--rate 10 --clients /nonexistent/clients.json", "--clients: /nonexistent/clients.json")]
    [InlineData("--rate 10 --bogus 1", "--bogus: unknown option")]
    [InlineData("--connections 20000", "--connections: 20000 is above --max-in-flight 10000")]
    [InlineData("--rate 10 --duration 2s --warmup 2s", "--warmup: 2 s leaves nothing of the run to measure")]
    public async Task Bad_arguments_exit_1_naming_the_option(string arguments, string message)
    {
        var (exit, _, error) = await LoadTool.RunAsync(["--target", "http://127.0.0.1:8080", .. arguments.Split(' ')]);

        Assert.Equal(LoadCommand.BadArguments, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_is_reported_not_only_the_first()
    {
        var errors = new List<string>();

        Assert.Null(LoadOptionsParser.Parse(["--rate", "x", "--timeout", "y", "--max-calls", "0"], errors));

        Assert.Contains(errors, e => e.StartsWith("--target", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--rate", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--timeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--max-calls", StringComparison.Ordinal));
    }

    [Fact]
    public void A_ramp_is_a_list_of_stages_and_bounds_the_duration()
    {
        var errors = new List<string>();

        var options = LoadOptionsParser.Parse(["--target", "http://127.0.0.1:8080", "--ramp", "500:4000:30s,4000:4000:1m,4000:0:500ms"], errors);

        Assert.Empty(errors);
        Assert.Equal(
            [new RampStage(500, 4000, TimeSpan.FromSeconds(30)), new RampStage(4000, 4000, TimeSpan.FromMinutes(1)), new RampStage(4000, 0, TimeSpan.FromMilliseconds(500))],
            options!.Profile!.Stages);
        Assert.Equal(TimeSpan.FromSeconds(90.5), options.Duration);
    }

    [Fact]
    public async Task A_clients_file_replaces_the_demo_clients_and_must_cover_the_mix()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """[{"id": "mno-app", "secret": "s", "agency": "MNO", "scenarios": ["subscriber-verification"]}]""");
            var errors = new List<string>();

            var options = LoadOptionsParser.Parse(["--target", "http://127.0.0.1:8080", "--rate", "1", "--clients", file, "--mix", "subscriber-verification=1"], errors);
            Assert.Empty(errors);
            Assert.Equal("MNO", Assert.Single(options!.Clients).Agency);

            Assert.Null(LoadOptionsParser.Parse(["--target", "http://127.0.0.1:8080", "--rate", "1", "--clients", file], errors));
            Assert.Contains("--mix: no client runs scenario bank-ekyc", errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("250us", 0.25)]
    [InlineData("5ms", 5)]
    [InlineData("0.001ms", 0.001)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    public void Durations_take_a_unit(string text, double milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(milliseconds, value.TotalMilliseconds, 6);
    }
}
