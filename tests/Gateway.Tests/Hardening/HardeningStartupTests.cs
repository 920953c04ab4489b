using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>Bad hardening settings stop start-up with a message naming the setting; bad operator commands exit non-zero.</summary>
public sealed class HardeningStartupTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task An_unreadable_tls_certificate_stops_start_up_naming_the_file()
    {
        var missing = Path.Combine(_workspace.Directory, "missing.crt");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _workspace.StartGatewayAsync(
            $"--Gateway:TlsCertificatePath={missing}", $"--Gateway:TlsKeyPath={missing}.key"));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_rate_grace_period_kestrel_cannot_enforce_stops_start_up_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _workspace.StartGatewayAsync("--Gateway:MinRequestBodyGracePeriod=00:00:00.500"));
        Assert.Contains("Gateway:MinRequestBodyGracePeriod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_not_a_network_stops_start_up_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _workspace.StartGatewayAsync("--Gateway:TrustedProxies:0=10.0.0.0/33"));
        Assert.Contains("Gateway:TrustedProxies", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operator_commands_refuse_bad_input_with_a_non_zero_exit_and_change_nothing()
    {
        var settings = $"--Gateway:DataDirectory={_workspace.DataDirectory}";
        var invalid = Path.Combine(_workspace.Directory, "invalid.json");
        await File.WriteAllTextAsync(invalid, """{"agencies":[{"code":"X","name":"too short a code"}]}""");
        var typo = Path.Combine(_workspace.Directory, "typo.json");
        await File.WriteAllTextAsync(typo, """{"agencys":[]}""");

        var (usage, _) = await OperatorCommand.RunAsync(["registry", "apply", settings]);
        var (refused, message) = await OperatorCommand.RunAsync(["registry", "apply", invalid, settings]);
        Assert.Equal(2, usage);
        Assert.Equal(1, refused);
        Assert.Contains("agency 'X'", message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDataException>(() => OperatorCommand.RunAsync(["registry", "apply", typo, settings]));
        await Assert.ThrowsAsync<FileNotFoundException>(() => OperatorCommand.RunAsync(["registry", "apply", Path.Combine(_workspace.Directory, "none.json"), settings]));

        var (verified, report) = await OperatorCommand.RunAsync(["audit", "verify", settings]);
        Assert.Equal(0, verified);
        Assert.Contains("0 entries", report, StringComparison.Ordinal);
    }

}
