namespace Ndxp.Gateway.DemoProviders.Population;

/// <summary>The demo population service of the Ministry of Public Security (BCA): citizen lookup by personal ID.</summary>
public static class PopulationApi
{
    public static IEndpointRouteBuilder MapPopulationApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/population/v1/citizens/{personalId}", (string personalId, SyntheticDirectory<Citizen> directory, HttpRequest request) =>
            DemoLookup.Answer(personalId, directory, CitizenDirectory.IsWellFormed, "personal ID", "A personal ID is 12 digits.",
                citizen => new { citizen, servedTo = ServedTo.From(request) }));
        return endpoints;
    }
}
