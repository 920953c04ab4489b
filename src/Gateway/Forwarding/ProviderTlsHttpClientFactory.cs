using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Yarp.ReverseProxy.Forwarder;

namespace Ndxp.Gateway.Forwarding;

/// <summary>
/// YARP's client factory plus each service's mutual TLS toward its provider: the client certificate to present and
/// the private CA the provider's certificate must chain to, read from the cluster's metadata (set from the registry).
/// </summary>
internal sealed partial class ProviderTlsHttpClientFactory(ILogger<ProviderTlsHttpClientFactory> logger) : ForwarderHttpClientFactory
{
    public const string ClientCertificateKey = "ndxp.tls.clientCertificate";
    public const string ClientKeyKey = "ndxp.tls.clientKey";
    public const string TrustedCaKey = "ndxp.tls.trustedCa";

    protected override bool CanReuseOldClient(ForwarderHttpClientContext context) =>
        base.CanReuseOldClient(context)
        && Same(context, ClientCertificateKey) && Same(context, ClientKeyKey) && Same(context, TrustedCaKey);

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        var metadata = context.NewMetadata;
        if (metadata is null)
        {
            return;
        }

        // A missing or unreadable file must not stop YARP from applying the rest of the registry: this one service
        // fails closed (no client certificate, or no provider certificate accepted: 502) and the error is logged.
        if (metadata.TryGetValue(ClientCertificateKey, out var certificatePath))
        {
            try
            {
                var certificate = Hardening.TransportSecurity.LoadCertificate(certificatePath, metadata.GetValueOrDefault(ClientKeyKey));
                handler.SslOptions.ClientCertificates = [certificate];
                handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
            }
            catch (InvalidOperationException ex)
            {
                Log.TlsMaterialUnreadable(logger, context.ClusterId, ex);
            }
        }

        if (metadata.TryGetValue(TrustedCaKey, out var caPath))
        {
            var trusted = new X509Certificate2Collection();
            try
            {
                trusted.ImportFromPemFile(caPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                Log.TlsMaterialUnreadable(logger, context.ClusterId, ex);
                trusted.Clear();
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                trusted.Count > 0 && certificate is not null && ChainsTo(new X509Certificate2(certificate), trusted, errors);
        }
    }

    // The provider's certificate must chain to the service's CA alone (not the system store) and match the host name.
    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection trusted, SslPolicyErrors errors)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static bool Same(ForwarderHttpClientContext context, string key) =>
        string.Equals(context.OldMetadata?.GetValueOrDefault(key), context.NewMetadata?.GetValueOrDefault(key), StringComparison.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Error,
            Message = "TLS material of service {ServiceId} cannot be read; calls to it fail until it is fixed")]
        public static partial void TlsMaterialUnreadable(ILogger logger, string serviceId, Exception exception);
    }
}
