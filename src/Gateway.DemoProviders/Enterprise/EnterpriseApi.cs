namespace Ndxp.Gateway.DemoProviders.Enterprise;

/// <summary>The demo enterprise registration service of the Ministry of Planning and Investment (BKHDT).</summary>
public static class EnterpriseApi
{
    public static IEndpointRouteBuilder MapEnterpriseApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/enterprise/v1/enterprises/{taxCode}", (string taxCode, EnterpriseDirectory directory, HttpRequest request) =>
        {
            if (!EnterpriseDirectory.IsWellFormed(taxCode))
            {
                return DemoProblems.BadIdentifier("tax code", "A tax code is 10 digits.");
            }

            return directory.Find(taxCode) is { } enterprise
                ? Results.Ok(new { enterprise, servedTo = ServedTo.From(request) })
                : DemoProblems.NotFound("enterprise");
        });
        return endpoints;
    }
}
