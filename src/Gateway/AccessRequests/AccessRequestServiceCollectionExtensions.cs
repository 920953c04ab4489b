namespace Ndxp.Gateway.AccessRequests;

public static class AccessRequestServiceCollectionExtensions
{
    public static IServiceCollection AddAccessRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AccessRequestOptions>().Bind(configuration.GetSection(AccessRequestOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AccessRequestWorkflow>();
        return services;
    }
}
