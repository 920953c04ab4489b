using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.JsonWebTokens;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>The outcome of authenticating a token request's client.</summary>
internal abstract record Authentication
{
    public sealed record Authenticated(Client Client, AuthenticationMethod Method) : Authentication;

    /// <summary>Refused: the credentials are wrong, unknown or not this client's; <paramref name="Description"/> is for the caller.</summary>
    public sealed record Failed(string Description) : Authentication;

    /// <summary>Refused unchecked: the client id or the source address is locked out.</summary>
    public sealed record LockedOut(Lockout Lockout) : Authentication;

    /// <summary>Not checked now: the slow verifications are all taken.</summary>
    public sealed record Busy : Authentication;
}

/// <summary>
/// Authenticates the client of a token request by the method it chose: a lock-out holds it before any credential is
/// checked, and each failure is counted, logged and measured. Never the secret or the assertion in a log.
/// </summary>
internal sealed partial class ClientAuthenticator(
    ClientSecretVerifier secrets,
    ClientAssertionValidator assertions,
    IFailedAuthentications failures,
    TimeProvider time,
    ILogger<ClientAuthenticator> logger)
{
    /// <summary>The address lock-out alone, checked before the request body is read.</summary>
    public async ValueTask<Authentication.LockedOut?> AddressLockedOutAsync(string address) =>
        await failures.AddressLockedOutAsync(address) is { } lockout ? Refused(lockout) : null;

    public async ValueTask<Authentication> AuthenticateAsync(
        PresentedCredentials presented, RegistrySnapshot snapshot, string address, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        // An assertion is read once, unverified, for the client it claims, and then checked as read.
        var assertion = presented.Method == AuthenticationMethod.PrivateKeyJwt ? assertions.Read(presented.Assertion!) : null;
        var claimedId = presented.ClientId ?? (assertion is null ? null : ClientAssertionValidator.ClaimedClientId(assertion));
        var client = claimedId is null ? null : snapshot.Clients.GetValueOrDefault(claimedId);
        // The address was checked before the body was read; an unknown client id has no lock-out of its own.
        if (client is not null && await failures.ClientLockedOutAsync(client.Id, address) is { } lockout)
        {
            return Refused(lockout);
        }

        var check = await CheckAsync(presented, assertion, client, certificate, cancellationToken);
        if (check.Busy)
        {
            return new Authentication.Busy();
        }

        if (check.Failure is { } reason)
        {
            return await FailAsync(presented.Method, client, address, reason, check.Description);
        }

        await failures.SucceededAsync(address, client!.Id);
        return new Authentication.Authenticated(client, presented.Method);
    }

    /// <summary>Whether the credentials are this client's: passed, failed for a fixed reason (a metric label), or not checked now.</summary>
    private readonly record struct Check(string? Failure, string Description, bool Busy = false)
    {
        public static Check Passed => new(null, "");

        public static Check NotNow => new(null, "", Busy: true);

        public static Check Failed(string reason, string description) => new(reason, description);
    }

    private async ValueTask<Check> CheckAsync(
        PresentedCredentials presented, JsonWebToken? assertion, Client? client, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        // A client registered with a certificate presents exactly that one, whatever else it authenticates with, and
        // before anything else is checked (an assertion's jti is used up by its check); its tokens are then bound to
        // it (RFC 8705 section 3).
        if (client?.CertificateThumbprint is { } required && CertificateProblem(required, certificate) is { } certificateProblem)
        {
            return certificateProblem;
        }

        switch (presented.Method)
        {
            case AuthenticationMethod.None:
                return Check.Failed("no_credentials", "Client authentication is required.");

            case AuthenticationMethod.ClientSecretBasic or AuthenticationMethod.ClientSecretPost:
                var secret = await secrets.CheckAsync(presented.Secret!, client?.SecretHash, cancellationToken);
                if (secret == SecretCheck.DoesNotMatch && client is { PreviousSecretHash: { } previous, PreviousSecretValidUntil: { } until } && time.GetUtcNow() < until)
                {
                    secret = await secrets.CheckAsync(presented.Secret!, previous, cancellationToken);
                }

                if (secret == SecretCheck.Busy)
                {
                    return Check.NotNow;
                }

                return client is not null && secret == SecretCheck.Matches
                    ? Check.Passed
                    : Check.Failed(client is null ? "unknown_client" : "wrong_secret", "Client authentication failed.");

            case AuthenticationMethod.PrivateKeyJwt:
                if (client is null)
                {
                    return Check.Failed("unknown_client", "Client authentication failed.");
                }

                var validated = await assertions.ValidateAsync(assertion, client);
                return validated.Valid ? Check.Passed
                    : validated.FailureReason == ClientAssertionValidator.ReplayCheckUnavailable ? Check.NotNow
                    : Check.Failed(validated.FailureReason!, validated.Description);

            default:
                // tls_client_auth (RFC 8705 section 2): the certificate, checked above, is the credential of a client
                // registered with it and with nothing else, so that it never stands in for a secret or a key.
                return client is { CertificateThumbprint: not null, SecretHash: null, PublicKeys.Count: 0 }
                    ? Check.Passed
                    : Check.Failed(client is null ? "unknown_client" : "method_not_registered", "This client does not authenticate by certificate alone.");
        }
    }

    /// <summary>The pinned certificate must be the one presented, and within its validity dates on the gateway's clock.</summary>
    private Check? CertificateProblem(string requiredThumbprint, X509Certificate2? certificate)
    {
        if (certificate is null || !string.Equals(requiredThumbprint, CertificateBinding.Thumbprint(certificate), StringComparison.Ordinal))
        {
            return Check.Failed(certificate is null ? "certificate_required" : "wrong_certificate", "This client must present its registered certificate over mutual TLS.");
        }

        var now = time.GetUtcNow();
        return now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime()
            ? Check.Failed("certificate_expired", "The client's certificate is outside its validity dates: register its successor.")
            : null;
    }

    private async ValueTask<Authentication> FailAsync(AuthenticationMethod method, Client? client, string address, string reason, string description)
    {
        var methodName = PresentedCredentials.Name(method);
        ClientAuthenticationMetrics.Failures.WithLabels(methodName, reason).Inc();
        Observability.GatewayMetrics.AuthenticationFailures.WithLabels("invalid_client").Inc();
        // Only a registered client id is logged: an unknown one is whatever the caller typed.
        Log.Failed(logger, methodName, reason, client?.Id ?? "(unknown)", address);
        if (await failures.FailedAsync(address, client?.Id) is { } started)
        {
            ClientAuthenticationMetrics.Lockouts.WithLabels(ClientAuthenticationMetrics.Label(started.Scope)).Inc();
            Log.LockedOut(logger, ClientAuthenticationMetrics.Label(started.Scope), started.Scope == LockoutScope.Client ? client!.Id : address, started.RetryAfter, started.Strike);
        }

        return new Authentication.Failed(description);
    }

    private static Authentication.LockedOut Refused(Lockout lockout)
    {
        ClientAuthenticationMetrics.LockedOutAttempts.WithLabels(ClientAuthenticationMetrics.Label(lockout.Scope)).Inc();
        return new Authentication.LockedOut(lockout);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning,
            Message = "Client authentication failed at the token endpoint: {Method} {Reason} for client {ClientId} from {SourceAddress}")]
        public static partial void Failed(ILogger logger, string method, string reason, string clientId, string sourceAddress);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Warning,
            Message = "Client authentication locked out by {Scope} {LockedOut} for {Duration} (lock-out {Strike} in a row): token requests refused unchecked until then")]
        public static partial void LockedOut(ILogger logger, string scope, string lockedOut, TimeSpan duration, int strike);
    }
}
