using Ndxp.Gateway.Limits;

namespace Ndxp.Gateway.ClientAuthentication;

public static class ClientAuthenticationServiceCollectionExtensions
{
    /// <summary>Client authentication at the token endpoint; failures and used assertions kept in Redis when the limits are shared there.</summary>
    public static IServiceCollection AddClientAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClientAuthenticationOptions>().Bind(configuration.GetSection(ClientAuthenticationOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ClientSecretVerifier>();
        services.AddSingleton<ClientAssertionValidator>();
        services.AddSingleton<LocalFailedAuthentications>();
        services.AddSingleton<LocalUsedAssertions>();
        if (configuration.GetSection(LimitsOptions.SectionName).Get<LimitsOptions>()?.Redis is not null)
        {
            services.AddSingleton<IFailedAuthentications, RedisFailedAuthentications>();
            services.AddSingleton<IUsedAssertions, RedisUsedAssertions>();
        }
        else
        {
            services.AddSingleton<IFailedAuthentications>(sp => sp.GetRequiredService<LocalFailedAuthentications>());
            services.AddSingleton<IUsedAssertions>(sp => sp.GetRequiredService<LocalUsedAssertions>());
        }

        services.AddSingleton<ClientAuthenticator>();
        return services;
    }
}
