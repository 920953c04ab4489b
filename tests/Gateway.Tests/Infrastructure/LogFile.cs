namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Reads a log file a running gateway is still writing.</summary>
internal static class LogFile
{
    public static async Task<string> ReadAsync(string path)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
