using MeshClient;
using MeshClient.DependencyInjection;
using MeshClient.Diagnostics;
using MeshClient.Grpc;
using MeshClient.Registry;
using MeshClient.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Grpc.Net.Client.Balancer;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

#pragma warning disable IDE0130 // Extension methods live in the namespace of the type they extend, as Microsoft.Extensions.* do.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers MeshClient in a service collection.</summary>
public static class MeshServiceCollectionExtensions
{
    /// <summary>
    /// Adds MeshClient with options bound from <paramref name="configuration"/> (by convention the <c>Mesh</c>
    /// section) and validated at start: a bad value fails start-up with the key's name and the reason. A hosted
    /// service opens the ADS stream to Pilot on start and closes it on stop. gRPC clients may then address a service
    /// as <c>xds:///reviews:9080</c> (<c>AddGrpcClient&lt;T&gt;(o =&gt; o.Address = new("xds:///reviews:9080"))</c>, or
    /// a <c>GrpcChannel</c> whose <c>ServiceProvider</c> is the app's): the mesh resolves it and balances every call.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding the options.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMeshDiscovery(this IServiceCollection services, IConfiguration configuration, Action<MeshOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection s ? s.Path : "Mesh";
        var builder = services.AddOptions<MeshOptions>().Configure(options => MeshConfigurationReader.Bind(configuration, section, options));
        services.AddSingleton<IOptionsChangeTokenSource<MeshOptions>>(new ConfigurationChangeTokenSource<MeshOptions>(Options.Options.DefaultName, configuration));
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton(new MeshRouteRulesSection(configuration.GetSection("Routing:Rules")));
        return AddCore(services, section);
    }

    /// <summary>Adds MeshClient with options set in code, validated at start.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMeshDiscovery(this IServiceCollection services, Action<MeshOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MeshOptions>().Configure(configure);
        return AddCore(services, "Mesh");
    }

    /// <summary>
    /// Adds a health check of the connection to Pilot: Healthy when connected and synced, Degraded when serving
    /// stale data, Unhealthy when never synced.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags of the check.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddMeshDiscoveryCheck(this IHealthChecksBuilder builder, string name = "mesh-discovery", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, sp => new MeshHealthCheck(
            sp.GetRequiredService<MeshRegistry>(),
            sp.GetRequiredService<IOptions<MeshOptions>>().Value.Mode == MeshMode.Sidecar), HealthStatus.Unhealthy, tags));
    }

    private static IServiceCollection AddCore(IServiceCollection services, string section)
    {
        if (services.Any(d => d.ServiceType == typeof(MeshDiscoveryMarker)))
        {
            return services;
        }

        services.AddSingleton<MeshDiscoveryMarker>();
        services.AddOptions<MeshOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<MeshOptions>>(new MeshOptionsValidator(section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new MeshRegistry(RegistrySnapshot.Empty, LoggerFactoryOf(sp).CreateLogger<MeshRegistry>()));
        services.TryAddSingleton(sp => new MeshMetrics(sp.GetRequiredService<MeshRegistry>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new MeshRoutingRuntime(
            sp.GetRequiredService<IOptions<MeshOptions>>().Value,
            sp.GetRequiredService<MeshRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            LoggerFactoryOf(sp),
            sp.GetService<MeshRouteRulesSection>()?.Section));
        services.TryAddSingleton<MeshRouter>(sp => sp.GetRequiredService<MeshRoutingRuntime>().Router);
        services.TryAddSingleton(sp => new MeshHttpRuntime(
            sp.GetRequiredService<IOptions<MeshOptions>>().Value,
            sp.GetRequiredService<MeshRoutingRuntime>,
            sp.GetRequiredService<MeshMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            LoggerFactoryOf(sp)));
        services.TryAddSingleton(sp => sp.GetRequiredService<MeshHttpRuntime>().CreateGrpcRuntime());
        services.AddSingleton<ResolverFactory>(sp => new MeshXdsResolverFactory(sp.GetRequiredService<MeshGrpcRuntime>()));
        services.AddSingleton<LoadBalancerFactory>(sp => new MeshLoadBalancerFactory(sp.GetRequiredService<MeshGrpcRuntime>()));
        services.AddSingleton<IPostConfigureOptions<GrpcClientFactoryOptions>, MeshXdsClientOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, MeshXdsClientHandlerFilter>());
        services.AddSingleton(sp => new MeshDiscoveryHostedService(
            sp.GetRequiredService<IOptions<MeshOptions>>().Value,
            sp.GetRequiredService<MeshRegistry>(),
            sp.GetRequiredService<MeshRoutingRuntime>(),
            sp.GetRequiredService<TimeProvider>(),
            LoggerFactoryOf(sp),
            sp.GetRequiredService<MeshMetrics>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MeshDiscoveryHostedService>());
        return services;
    }

    private static ILoggerFactory LoggerFactoryOf(IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private sealed class MeshDiscoveryMarker;
}
