using System.Net;
using System.Net.Sockets;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>Which count locked the caller out.</summary>
internal enum LockoutScope
{
    Client,
    Address,
}

/// <summary>A caller held off: by which count, for how long, and which lock-out in a row this is (the back-off).</summary>
internal sealed record Lockout(LockoutScope Scope, TimeSpan RetryAfter, int Strike);

/// <summary>
/// Failed client authentications counted per registered client id and per source address. Past a threshold in the
/// window the client id or the address is locked out, and attempts are refused before any credential is checked;
/// each lock-out in a row lasts twice the one before. Local to a replica, or shared by all through Redis.
/// </summary>
internal interface IFailedAuthentications
{
    /// <summary>The address's lock-out, if it has one: checked first, before the request's body is read.</summary>
    ValueTask<Lockout?> AddressLockedOutAsync(string address);

    /// <summary>The registered client's lock-out, if it has one and the address is not one it authenticated from lately.</summary>
    ValueTask<Lockout?> ClientLockedOutAsync(string clientId, string address);

    /// <summary>Counts a failure; returns the lock-out it started, if it started one.</summary>
    ValueTask<Lockout?> FailedAsync(string address, string? clientId);

    /// <summary>Remembers that the client authenticated from this address, so that its lock-out does not hold it there.</summary>
    ValueTask SucceededAsync(string address, string clientId);
}

internal static class SourceAddress
{
    /// <summary>
    /// The address failures are counted against: IPv4 as it is, IPv6 by its /64, the least a site is given, so that
    /// one attacker cannot step through the 2^64 addresses of its own network to escape the count.
    /// </summary>
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
