namespace Ndxp.Gateway.DemoProviders.Enterprise;

/// <summary>The demo enterprise registration service of the Ministry of Planning and Investment (BKHDT).</summary>
public static class EnterpriseApi
{
    public static IEndpointRouteBuilder MapEnterpriseApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/enterprise/v1/enterprises/{taxCode}", (string taxCode, SyntheticDirectory<EnterpriseRecord> directory, HttpRequest request) =>
            DemoLookup.Answer(taxCode, directory, EnterpriseDirectory.IsWellFormed, "tax code", "A tax code is 10 digits.",
                enterprise => new { enterprise, servedTo = ServedTo.From(request) }));
        return endpoints;
    }
}
