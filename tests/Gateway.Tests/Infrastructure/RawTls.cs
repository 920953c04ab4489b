using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A TLS ClientHello built byte by byte (RFC 5246 section 7.4.1.2), so that a test controls the protocol version
/// offered exactly and reads the server's first record itself: a client library that refuses an old version before
/// sending anything cannot then pass for a server that refused it.
/// </summary>
internal static class RawTls
{
    public const byte HandshakeRecord = 0x16;
    public const byte AlertRecord = 0x15;
    public const byte ServerHelloMessage = 2;
    public const byte ProtocolVersionAlert = 70;

    public const ushort Tls11 = 0x0302;
    public const ushort Tls12 = 0x0303;

    // ECDHE with ECDSA (the test certificates are P-256), GCM for TLS 1.2 and CBC that TLS 1.1 could use, and the
    // empty renegotiation info SCSV (RFC 5746).
    private static readonly ushort[] CipherSuites = [0xC02B, 0xC02C, 0xC009, 0xC00A, 0x00FF];

    /// <summary>Sends a ClientHello offering <paramref name="clientVersion"/> (no supported_versions extension) and returns the server's first record header and the two bytes after it.</summary>
    public static async Task<ServerFirstRecord> HelloAsync(int port, ushort clientVersion)
    {
        using var client = new TcpClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync("127.0.0.1", port, cancel.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(ClientHello(clientVersion), cancel.Token);
        var head = new byte[7];
        var read = 0;
        while (read < head.Length)
        {
            var n = await stream.ReadAsync(head.AsMemory(read), cancel.Token);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return new ServerFirstRecord(head[..read]);
    }

    public static byte[] ClientHello(ushort clientVersion)
    {
        var extensions = Concat(
            Extension(0x000a, List16([0x0017, 0x001d, 0x0018])), // supported_groups: secp256r1, x25519, secp384r1
            Extension(0x000b, [1, 0]), // ec_point_formats: uncompressed
            Extension(0x000d, List16([0x0403, 0x0503, 0x0804, 0x0401])), // signature_algorithms
            Extension(0x0017, [])); // extended_master_secret
        var body = Concat(
            U16(clientVersion),
            RandomNumberGenerator.GetBytes(32),
            [0], // no session id
            List16(CipherSuites),
            [1, 0], // compression: null only
            U16((ushort)extensions.Length),
            extensions);
        var handshake = Concat([1], U24(body.Length), body); // client_hello
        return Concat([HandshakeRecord], U16(0x0301), U16((ushort)handshake.Length), handshake);
    }

    private static byte[] Extension(ushort type, byte[] data) => Concat(U16(type), U16((ushort)data.Length), data);

    private static byte[] List16(ushort[] values)
    {
        var items = Concat(values.Select(U16).ToArray());
        return Concat(U16((ushort)items.Length), items);
    }

    private static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U24(int value) => [(byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
