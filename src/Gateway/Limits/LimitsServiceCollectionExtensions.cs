namespace Ndxp.Gateway.Limits;

public static class LimitsServiceCollectionExtensions
{
    /// <summary>Quotas, rate limits and capacity caps: local on one node, shared through Redis when configured.</summary>
    public static IServiceCollection AddLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<QuotaCounters>();
        services.AddSingleton<LiveReplicas>();
        services.AddSingleton<ServiceConcurrency>();
        services.AddSingleton<CallLimits>();
        services.AddSingleton<LocalCallLimiter>();
        // Its Redis is the shared connection when one is registered below (the container passes null otherwise).
        services.AddSingleton<RefusalBudget>();
        if (configuration.GetSection(LimitsOptions.SectionName).Get<LimitsOptions>()?.Redis is not null)
        {
            services.AddSingleton<SharedRedis>();
            services.AddHostedService<ReplicaHeartbeat>();
            services.AddSingleton<RedisCallLimiter>();
            services.AddSingleton<ICallLimiter>(sp => sp.GetRequiredService<RedisCallLimiter>());
        }
        else
        {
            services.AddSingleton<ICallLimiter>(sp => sp.GetRequiredService<LocalCallLimiter>());
        }
        return services;
    }
}
