namespace Ndxp.Gateway.DemoProviders.Insurance;

/// <summary>The demo social insurance service of Vietnam Social Security (BHXH): participation status.</summary>
public static class InsuranceApi
{
    public static IEndpointRouteBuilder MapInsuranceApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/insurance/v1/participants/{insuranceNumber}/status", (string insuranceNumber, SyntheticDirectory<InsuranceStatus> directory, HttpRequest request) =>
            DemoLookup.Answer(insuranceNumber, directory, InsuranceDirectory.IsWellFormed, "insurance number", "An insurance number is 10 digits.",
                status => new { status, servedTo = ServedTo.From(request) }));
        return endpoints;
    }
}
