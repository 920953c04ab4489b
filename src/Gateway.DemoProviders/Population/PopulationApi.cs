namespace Ndxp.Gateway.DemoProviders.Population;

/// <summary>The demo population service of the Ministry of Public Security (BCA): citizen lookup by personal ID.</summary>
public static class PopulationApi
{
    public static IEndpointRouteBuilder MapPopulationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/population/v1/citizens/{personalId}", (string personalId, CitizenDirectory directory, HttpRequest request) =>
        {
            if (!CitizenDirectory.IsWellFormed(personalId))
            {
                return DemoProblems.BadIdentifier("personal ID", "A personal ID is 12 digits.");
            }

            return directory.Find(personalId) is { } citizen
                ? Results.Ok(new { citizen, servedTo = ServedTo.From(request) })
                : DemoProblems.NotFound("citizen");
        });
        return endpoints;
    }
}
