using System.Security.Cryptography;

namespace Ndxp.Gateway.Hosting;

/// <summary>
/// A folder of key files, one key per file named after its id (the token signing keys, the trail's pseudonym keys):
/// listed in name order, and in embedded mode created when missing, readable by the gateway's own user only.
/// </summary>
internal static class KeyFolder
{
    /// <summary>The folder's files of the extension (<c>.pem</c>, <c>.key</c>), by name; none when the folder is missing.</summary>
    public static List<string> Files(string directory, string extension) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*" + extension).Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>Writes a new key file named <c>{yyyyMMdd}-{8 random hex}{extension}</c>, which sorts after older ones of earlier days.</summary>
    public static string Create(string directory, string extension, TimeProvider clock, string content)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{clock.GetUtcNow():yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}{extension}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.Write(content);
        }

        return path;
    }
}
