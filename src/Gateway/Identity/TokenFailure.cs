using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Identity;

/// <summary>Why a presented bearer token was refused, kept on the request for the access step to report.</summary>
internal sealed class TokenFailure
{
    private TokenFailure(ProblemKind kind) => Kind = kind;

    public ProblemKind Kind { get; }

    public static TokenFailure From(Exception exception) => new(exception switch
    {
        TokenRejectedException rejected => rejected.Kind,
        SecurityTokenExpiredException => ProblemKind.TokenExpired,
        SecurityTokenInvalidIssuerException => ProblemKind.TokenIssuerInvalid,
        SecurityTokenInvalidAudienceException => ProblemKind.TokenAudienceInvalid,
        SecurityTokenSignatureKeyNotFoundException
            or SecurityTokenInvalidSignatureException
            or SecurityTokenInvalidAlgorithmException => ProblemKind.TokenSignatureInvalid,
        SecurityTokenMalformedException or ArgumentException => ProblemKind.TokenMalformed,
        _ => ProblemKind.TokenInvalid,
    });
}
