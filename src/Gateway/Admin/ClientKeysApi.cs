using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Admin;

/// <summary>
/// <c>POST /admin/v1/clients/{id}/keys</c> registers public keys a client signs its assertions with (private_key_jwt);
/// with <c>overlapMinutes</c> it is a rotation: the client's other keys keep verifying that long more and then expire
/// (0 ends them at once, e.g. after a leak). <c>DELETE /admin/v1/clients/{id}/keys/{kid}</c> removes one. Keys whose
/// overlap has ended are dropped with the next key added. Audited and guarded by If-Match like every registry change.
/// </summary>
internal static class ClientKeysApi
{
    public static void Map(RouteGroupBuilder clients)
    {
        clients.MapPost("/{id}/keys", (string id, AdminCommit admin, TimeProvider time, HttpContext context) => RegistryAdminApi.Guarded(async () =>
        {
            var overlap = ClientSecretApi.OverlapOf(context);
            var added = await PublicKeyInput.ReadAsync(context);
            var now = time.GetUtcNow();
            return await RegistryAdminApi.ChangeClientAsync(context, admin, id, existing => ClientChanges.AddKeys(existing, added, overlap, now), ClientChanges.AddKeyAction);
        }))
        .WithSummary("Register public keys for private_key_jwt (a JWK, a JWK Set, or one PEM public key or certificate); overlapMinutes makes it a rotation, ending the client's other keys that many minutes from now")
        .WithBody([.. PublicKeyInput.JsonMediaTypes.Select(type => (type, typeof(PublicKeysBody))), .. PublicKeyInput.PemMediaTypes.Select(type => (type, typeof(string)))])
        .Produces<Client>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        clients.MapDelete("/{id}/keys/{kid}", (string id, string kid, AdminCommit admin, HttpContext context) =>
            RegistryAdminApi.ChangeClientAsync(context, admin, id, existing =>
            {
                if (!existing.PublicKeys.Any(key => key.Kid == kid))
                {
                    throw new AdminRefusal(ProblemKind.EntityNotFound, $"Client '{id}' has no key '{kid}'.");
                }

                return existing with { PublicKeys = existing.PublicKeys.Where(key => key.Kid != kid).ToList() };
            }, "remove-key"))
        .WithSummary("Remove one of a client's public keys at once (If-Match optional); assertions it signed are refused from now on")
        .Produces<Client>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    /// <summary>The JSON body of a key registration, for the OpenAPI document: one JWK, or a JWK Set of them in <c>keys</c>.</summary>
    internal sealed record PublicKeysBody(
        string? Kty, string? Kid, string? Alg, string? Use, string? Crv, string? X, string? Y, string? N, string? E, IReadOnlyList<ClientKey>? Keys);
}
