using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.ClientAuthentication;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// Reads the public keys an operator registers for a client: a JWK or a JWK Set (RFC 7517) as JSON, or one PEM
/// SubjectPublicKeyInfo (<c>-----BEGIN PUBLIC KEY-----</c>), PKCS #1 RSA public key or X.509 certificate. Only the
/// public members are kept; a key that carries private parts is refused, never stored. A key without a kid gets its
/// RFC 7638 thumbprint as kid.
/// </summary>
internal static class PublicKeyInput
{
    public const int MaxBodyChars = 64 * 1024;

    public static readonly string[] JsonMediaTypes = ["application/json", "application/jwk+json", "application/jwk-set+json"];

    public static readonly string[] PemMediaTypes = ["application/x-pem-file", "application/pem-certificate-chain", "text/plain"];

    // RFC 7518 section 6.2.2 and 6.3.2: the private members of EC and RSA keys; k is a symmetric key's.
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    public static async Task<IReadOnlyList<ClientKey>> ReadAsync(HttpContext context)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        var json = JsonMediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase);
        if (!json && !PemMediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            throw new AdminRefusal(ProblemKind.UnsupportedMediaType,
                "Send a JWK or a JWK Set as application/json, or a PEM public key or certificate as application/x-pem-file.");
        }

        var text = await ReadBoundedAsync(context);
        return json ? FromJson(text) : [FromPem(text)];
    }

    /// <summary>Keys pasted as text (the console's form): a JWK or JWK Set when it starts with '{', else PEM.</summary>
    public static IReadOnlyList<ClientKey> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBodyChars)
        {
            throw AdminRefusal.InvalidField("$", $"the keys are longer than {MaxBodyChars} characters: send one key, or a JWK Set of at most {ClientKeys.MaxPerClient}");
        }

        return text.TrimStart().StartsWith('{') ? FromJson(text) : [FromPem(text)];
    }

    private static async Task<string> ReadBoundedAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var buffer = new char[MaxBodyChars + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(total), context.RequestAborted)) > 0)
        {
            total += read;
        }

        return total > MaxBodyChars
            ? throw AdminRefusal.InvalidField("$", $"the body is longer than {MaxBodyChars} characters: send one key, or a JWK Set of at most {ClientKeys.MaxPerClient}")
            : new string(buffer, 0, total);
    }

    private static List<ClientKey> FromJson(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            throw AdminRefusal.InvalidField("$", "the body is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("keys", out var keys))
            {
                if (keys.ValueKind != JsonValueKind.Array || keys.GetArrayLength() is 0 or > ClientKeys.MaxPerClient)
                {
                    throw Invalid("keys", $"a JWK Set's keys must list 1 to {ClientKeys.MaxPerClient} keys");
                }

                return keys.EnumerateArray().Select((key, i) => FromJwk(key, $"keys[{i}].")).ToList();
            }

            return [FromJwk(root, "")];
        }
    }

    private static ClientKey FromJwk(JsonElement jwk, string path)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path.Length == 0 ? "$" : path.TrimEnd('.'), "a JWK is a JSON object");
        }

        var kty = Member(jwk, path, "kty");
        if (kty == "oct")
        {
            throw Invalid(path + "kty", "symmetric keys (kty oct) are refused: register the public half of an RSA or EC key pair");
        }

        if (PrivateMembers.FirstOrDefault(name => jwk.TryGetProperty(name, out _)) is { } secret)
        {
            throw Invalid(path + secret,
                $"the JWK carries private key material ('{secret}'): register the public key only (drop d, p, q, dp, dq, qi); a private key that left its owner should be replaced");
        }

        if (Member(jwk, path, "use") is { } use && use != "sig")
        {
            throw Invalid(path + "use", "use must be sig: client keys verify signatures");
        }

        if (jwk.TryGetProperty("key_ops", out var ops)
            && (ops.ValueKind != JsonValueKind.Array || !ops.EnumerateArray().Any(op => op.ValueKind == JsonValueKind.String && op.GetString() == "verify")))
        {
            throw Invalid(path + "key_ops", "key_ops must include verify");
        }

        return Checked(new ClientKey
        {
            Kid = Member(jwk, path, "kid") ?? "",
            Kty = kty ?? throw Invalid(path + "kty", "kty is required (RSA or EC)"),
            Alg = Member(jwk, path, "alg"),
            Crv = Member(jwk, path, "crv"),
            X = Member(jwk, path, "x"),
            Y = Member(jwk, path, "y"),
            N = Member(jwk, path, "n"),
            E = Member(jwk, path, "e"),
        }, path);
    }

    private static string? Member(JsonElement jwk, string path, string name) =>
        !jwk.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid(path + name, $"{name} must be a string");

    private static ClientKey FromPem(string text)
    {
        if (!PemEncoding.TryFind(text, out var fields))
        {
            throw Invalid("pem", "not PEM: send -----BEGIN PUBLIC KEY----- (SubjectPublicKeyInfo) or -----BEGIN CERTIFICATE-----");
        }

        var label = text[fields.Label];
        if (label.Contains("PRIVATE", StringComparison.Ordinal))
        {
            throw Invalid("pem", "this is a private key: register the public key only (openssl pkey -in key.pem -pubout); a private key that left its owner should be replaced");
        }

        if (PemEncoding.TryFind(text.AsSpan(fields.Location.End.Value), out _))
        {
            throw Invalid("pem", "send one key per PEM request");
        }

        var der = Convert.FromBase64String(text[fields.Base64Data]);
        try
        {
            return Checked(label switch
            {
                "PUBLIC KEY" => FromPublicKey(PublicKey.CreateFromSubjectPublicKeyInfo(der, out _)),
                "CERTIFICATE" => FromCertificate(der),
                "RSA PUBLIC KEY" => FromRsa(der),
                _ => throw Invalid("pem", "the PEM holds neither a PUBLIC KEY, an RSA PUBLIC KEY nor a CERTIFICATE"),
            }, "");
        }
        catch (CryptographicException)
        {
            throw Invalid("pem", "the PEM does not hold a readable public key");
        }
    }

    private static ClientKey FromCertificate(byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        return FromPublicKey(certificate.PublicKey);
    }

    private static ClientKey FromRsa(byte[] der)
    {
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(der, out _);
        return FromRsa(rsa);
    }

    private static ClientKey FromPublicKey(PublicKey key)
    {
        if (key.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return FromRsa(rsa);
            }
        }

        using var ec = key.GetECDsaPublicKey() ?? throw Invalid("pem", "only RSA and EC public keys are accepted");
        try
        {
            return Public(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ec)));
        }
        catch (ArgumentException)
        {
            // Microsoft.IdentityModel names only the NIST curves; ClientKeys.Problem then checks crv like any JWK's.
            throw Invalid("pem", "an EC key must be on P-256, P-384 or P-521");
        }
    }

    private static ClientKey FromRsa(RSA rsa) => Public(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa)));

    // The public members only, whatever else the converter filled in.
    private static ClientKey Public(JsonWebKey jwk) =>
        new() { Kid = "", Kty = jwk.Kty, Crv = jwk.Crv, X = jwk.X, Y = jwk.Y, N = jwk.N, E = jwk.E };

    // Checked before the thumbprint is taken: a thumbprint of a malformed key would mean nothing.
    private static ClientKey Checked(ClientKey key, string path)
    {
        var named = key.Kid.Length > 0 ? key : key with { Kid = "unnamed" };
        if (ClientKeys.Problem(named) is { } problem)
        {
            throw Invalid(path + problem.Field, problem.Message);
        }

        return key.Kid.Length > 0 ? key : key with { Kid = ClientKeys.Thumbprint(key) };
    }

    private static AdminRefusal Invalid(string field, string message) =>
        new(ProblemKind.ClientKeyInvalid, message, new Dictionary<string, object?> { ["errors"] = new[] { new FieldError(field, message) } });
}
