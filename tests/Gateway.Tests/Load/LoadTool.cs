using Ndxp.Gateway.Load;

namespace Ndxp.Gateway.Tests.Load;

/// <summary>Runs the load tool as its command line does, capturing what it prints.</summary>
internal static class LoadTool
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await LoadCommand.RunAsync(args, output, error, TimeProvider.System, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}
