using Ndxp.Gateway.Identity;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>
/// <c>echo -n SECRET | Ndxp.Gateway hash-secret [--demo]</c>: the slow hash of a secret a person chose, for a seed
/// file. The secret is read from standard input, not the command line, so it stays out of shell history and process
/// listings. Short or guessable secrets are refused, except with <c>--demo</c> (the demo's own seed).
/// </summary>
public static class HashSecretCommand
{
    public static bool Handles(string[] args) => args is ["hash-secret", ..];

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var secret = await input.ReadLineAsync();
        if (string.IsNullOrEmpty(secret))
        {
            await error.WriteLineAsync("usage: echo -n SECRET | Ndxp.Gateway hash-secret [--demo]");
            return 2;
        }

        if (!args.Contains(GatewayApplication.DemoSwitch, StringComparer.Ordinal) && ChosenSecretPolicy.WhyRefused(secret) is { } refused)
        {
            await error.WriteLineAsync($"hash-secret refused: {refused}. Prefer a generated secret: POST /admin/v1/clients/{{id}}/secret.");
            return 1;
        }

        await output.WriteLineAsync(ClientSecretHasher.Hash(secret));
        return 0;
    }
}
