using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Hardening;

/// <summary>TLS on the public port: TLS 1.2 and 1.3 only, the configured PEM certificate, optional client certificates.</summary>
internal static class TransportSecurity
{
    public static void UseTls(ListenOptions listen, GatewayHostOptions host)
    {
        var certificate = LoadCertificate(host.TlsCertificatePath!, host.TlsKeyPath);
        listen.UseHttps(certificate, https => Configure(https, host.AllowClientCertificates));
    }

    /// <summary>The protocol versions and client certificate mode of the data port's TLS.</summary>
    internal static void Configure(HttpsConnectionAdapterOptions https, bool allowClientCertificates)
    {
        ArgumentNullException.ThrowIfNull(https);
        // Set here even where the platform's TLS library already refuses older versions (OpenSSL 3 does by default):
        // the gateway's promise must not depend on how a host's OpenSSL is configured.
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        if (allowClientCertificates)
        {
            // Any certificate may be presented: it proves possession for certificate-bound tokens (RFC 8705), and it
            // authenticates only a client pinned to it by thumbprint (checked with its dates at the token endpoint),
            // so no chain is judged here.
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
        }
    }

    public static X509Certificate2 LoadCertificate(string certificatePath, string? keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"The TLS certificate '{certificatePath}' (key '{keyPath}') cannot be loaded: {ex.Message}", ex);
        }
    }
}
