using System.Security.Cryptography;
using System.Text;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Trail;

/// <summary>
/// The keys of the subjects' pseudonyms: HMAC-SHA256 of the identifier under a platform secret, so that the trail can
/// be searched by identifier while the identifier itself is stored nowhere, and a stolen database cannot be reversed
/// by hashing every possible identifier without the key. Loaded like the token signing keys: every <c>*.key</c> of the
/// folder, the last by name (or the configured one) making new pseudonyms, the others still used to find older entries.
/// Rotation: add a new key file and make it active; keep the old files as long as entries made under them are kept.
/// </summary>
public sealed partial class PseudonymKeyRing : IDisposable
{
    public const int MinKeyBytes = 32;

    private readonly IReadOnlyList<(string Version, byte[] Key)> _keys;

    // One HMAC state per thread, reset after each use: the one-shot HMAC sets up a new OpenSSL context per call.
    private readonly ThreadLocal<IncrementalHash> _active;

    private PseudonymKeyRing(IReadOnlyList<(string Version, byte[] Key)> keys, string activeVersion)
    {
        _keys = keys;
        ActiveVersion = activeVersion;
        var activeKey = keys.First(k => k.Version == activeVersion).Key;
        _active = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, activeKey), trackAllValues: true);
    }

    public string ActiveVersion { get; }

    public IEnumerable<string> Versions => _keys.Select(k => k.Version);

    /// <summary>The pseudonym under the active key, as stored with a new trail entry.</summary>
    public string Pseudonym(ReadOnlySpan<char> identifier)
    {
        Span<byte> utf8 = identifier.Length <= 128 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(identifier.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(identifier.Length)];
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hmac = _active.Value!;
        hmac.AppendData(utf8[..Encoding.UTF8.GetBytes(identifier, utf8)]);
        hmac.GetHashAndReset(mac);
        return Convert.ToHexStringLower(mac);
    }

    public void Dispose()
    {
        foreach (var hmac in _active.Values)
        {
            hmac.Dispose();
        }

        _active.Dispose();
    }

    /// <summary>The pseudonym under every key: what a search for the identifier looks for.</summary>
    public IReadOnlyList<SubjectPseudonym> AllPseudonyms(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return _keys.Select(k => new SubjectPseudonym(k.Version, Compute(k.Key, identifier))).ToList();
    }

    public static PseudonymKeyRing Load(string directory, string? activeVersion, bool generateIfMissing, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var files = KeyFolder.Files(directory, ".key");
        if (files.Count == 0)
        {
            if (!generateIfMissing)
            {
                throw new InvalidOperationException(
                    $"No pseudonym key (*.key) in '{directory}' and Trail:GenerateKeyIfMissing is false: mount the trail key secret there.");
            }

            files.Add(KeyFolder.Create(directory, ".key", clock, Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinKeyBytes))));
            Log.KeyGenerated(logger, Path.GetFileNameWithoutExtension(files[0]), directory);
        }

        var keys = new List<(string, byte[])>(files.Count);
        foreach (var file in files)
        {
            byte[] key;
            try
            {
                key = Convert.FromBase64String(File.ReadAllText(file).Trim());
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException($"Pseudonym key file '{file}' is not base64.", ex);
            }

            if (key.Length < MinKeyBytes)
            {
                throw new InvalidOperationException($"Pseudonym key file '{file}' holds {key.Length} bytes; at least {MinKeyBytes} are needed.");
            }

            keys.Add((Path.GetFileNameWithoutExtension(file), key));
        }

        var active = activeVersion ?? keys[^1].Item1;
        if (!keys.Exists(k => k.Item1 == active))
        {
            throw new InvalidOperationException($"Trail:ActiveKeyVersion '{activeVersion}' names no key file in '{directory}'.");
        }

        return new PseudonymKeyRing(keys, active);
    }

    private static string Compute(byte[] key, string identifier) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(identifier)));


    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Warning,
            Message = "Generated trail pseudonym key {KeyVersion} in {Directory}: embedded mode only; a cluster mounts its keys from a secret")]
        public static partial void KeyGenerated(ILogger logger, string keyVersion, string directory);
    }
}

/// <summary>A subject's pseudonym under one key version.</summary>
public sealed record SubjectPseudonym(string KeyVersion, string Pseudonym);
