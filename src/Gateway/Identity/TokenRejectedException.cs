using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Identity;

/// <summary>A token refused by the gateway's own checks before signature validation, with the problem to answer.</summary>
internal sealed class TokenRejectedException(ProblemKind kind, string message) : SecurityTokenException(message)
{
    public ProblemKind Kind { get; } = kind;
}
