namespace Ndxp.Gateway.DemoProviders.Insurance;

/// <summary>The demo social insurance service of Vietnam Social Security (BHXH): participation status.</summary>
public static class InsuranceApi
{
    public static IEndpointRouteBuilder MapInsuranceApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/insurance/v1/participants/{insuranceNumber}/status", (string insuranceNumber, InsuranceDirectory directory, HttpRequest request) =>
        {
            if (!InsuranceDirectory.IsWellFormed(insuranceNumber))
            {
                return DemoProblems.BadIdentifier("insurance number", "An insurance number is 10 digits.");
            }

            return directory.Find(insuranceNumber) is { } status
                ? Results.Ok(new { status, servedTo = ServedTo.From(request) })
                : DemoProblems.NotFound("insurance participant");
        });
        return endpoints;
    }
}
