using System.Globalization;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// <c>POST /admin/v1/clients/{id}/secret</c>: rotates a client's secret. The new secret is shown once; the old one
/// keeps working for <c>overlapMinutes</c> (default a day, 0 ends it at once, e.g. after a leak) so the agency can
/// roll the new one out without a failed call. <c>DELETE</c> removes the secret (and a previous one) at once: the
/// client then authenticates only with its keys (private_key_jwt) or its certificate (tls_client_auth).
/// </summary>
internal static class ClientSecretApi
{
    public const int DefaultOverlapMinutes = 24 * 60;
    public const int MaxOverlapMinutes = 30 * 24 * 60;

    public static void Map(RouteGroupBuilder clients)
    {
        clients.MapPost("/{id}/secret", (string id, AdminCommit admin, TimeProvider time, HttpContext context) => RegistryAdminApi.Guarded(() =>
        {
            var overlap = OverlapOf(context) ?? TimeSpan.FromMinutes(DefaultOverlapMinutes);
            var (secret, hash) = ClientSecretHasher.Generate();
            var now = time.GetUtcNow();
            return RegistryAdminApi.ChangeClientAsync(context, admin, id, existing => ClientChanges.RotateSecret(existing, hash, overlap, now), ClientChanges.RotateSecretAction, rotated => Results.Json(new ClientWithSecret(AdminResources.ShowClient(rotated), secret), RegistryJson.Options));
        }))
        .WithSummary("Rotate a client's secret: the new secret is in the answer, once; the old one works for overlapMinutes more (default 1440)")
        .Produces<ClientWithSecret>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        clients.MapDelete("/{id}/secret", (string id, AdminCommit admin, HttpContext context) =>
            RegistryAdminApi.ChangeClientAsync(context, admin, id, existing =>
                existing.SecretHash is null && existing.PreviousSecretHash is null
                    ? throw new AdminRefusal(ProblemKind.EntityNotFound, $"Client '{id}' has no secret.")
                    : existing with { SecretHash = null, PreviousSecretHash = null, PreviousSecretValidUntil = null },
                "remove-secret"))
        .WithSummary("Remove a client's secret at once (If-Match optional): it then gets tokens only with its public keys (private_key_jwt) or its certificate (tls_client_auth)")
        .Produces<Client>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    /// <summary>The <c>overlapMinutes</c> of a rotation (of a secret or of keys), null when the query has none; 400 when malformed.</summary>
    internal static TimeSpan? OverlapOf(HttpContext context)
    {
        if (!context.Request.Query.TryGetValue("overlapMinutes", out var value))
        {
            return null;
        }

        if (value.Count != 1 || !int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes > MaxOverlapMinutes)
        {
            throw new AdminRefusal(ProblemKind.InvalidQuery, $"overlapMinutes must be a whole number from 0 to {MaxOverlapMinutes}.",
                new Dictionary<string, object?> { ["errors"] = new[] { new FieldError("overlapMinutes", $"must be a whole number from 0 to {MaxOverlapMinutes}") } });
        }

        return TimeSpan.FromMinutes(minutes);
    }
}
