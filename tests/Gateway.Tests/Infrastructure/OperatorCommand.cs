using Ndxp.Gateway.Admin;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Runs an operator command (<c>registry apply</c>, <c>audit verify</c>, ...) as the command line would, in this process.</summary>
internal static class OperatorCommand
{
    /// <summary>The exit code and everything the command wrote to standard output and error.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OperatorCommands.RunAsync(args, output, error);
        return (code, output + error.ToString());
    }
}
