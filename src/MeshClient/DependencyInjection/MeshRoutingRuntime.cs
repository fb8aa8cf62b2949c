using MeshClient.Registry;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;

namespace MeshClient.DependencyInjection;

/// <summary>
/// The router of a DI container with the files that feed it: router.yaml and the DestinationRule files are loaded
/// at once (a bad file fails start-up with <c>FILE:LINE:COLUMN: reason</c>) and watched; a good edit swaps new
/// rules into the router, a bad one is logged and the last good rules stay.
/// </summary>
internal sealed partial class MeshRoutingRuntime : IDisposable
{
    private readonly ILogger _logger;
    private readonly RoutingConfigurationFile<RouterRules>? _routerFile;
    private readonly List<RoutingConfigurationFile<DestinationRuleSet>> _destinationRuleFiles = [];

    public MeshRoutingRuntime(MeshOptions options, MeshRegistry registry, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        Namespace = options.ResolveNamespace();
        var logger = loggerFactory.CreateLogger<MeshRoutingRuntime>();
        _logger = logger;
        var debounce = options.Routing.ReloadDebounce;
        try
        {
            if (options.Routing.RouterFile is { } routerPath)
            {
                _routerFile = RouterRules.Watch(routerPath, logger, timeProvider, debounce);
            }

            foreach (var path in options.Routing.DestinationRuleFiles)
            {
                _destinationRuleFiles.Add(DestinationRuleSet.Watch(path, Namespace, logger, timeProvider, debounce));
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        Router = new MeshRouter(registry, _routerFile?.Current, CombinedDestinationRules(), options.ToRouterOptions(Namespace), timeProvider);
        if (_routerFile is not null)
        {
            _routerFile.Reloaded += (_, rules) => Router.UpdateRules(rules);
        }

        foreach (var file in _destinationRuleFiles)
        {
            file.Reloaded += (_, _) => ApplyDestinationRules();
        }
    }

    public MeshRouter Router { get; }

    /// <summary>The namespace of bare service names.</summary>
    public string Namespace { get; }

    public void Dispose()
    {
        _routerFile?.Dispose();
        foreach (var file in _destinationRuleFiles)
        {
            file.Dispose();
        }
    }

    private void ApplyDestinationRules()
    {
        try
        {
            Router.UpdateDestinationRules(CombinedDestinationRules());
        }
        catch (MeshConfigurationException e)
        {
            LogDestinationRulesRejected(_logger, e.Message);
        }
    }

    private DestinationRuleSet CombinedDestinationRules() =>
        _destinationRuleFiles.Count == 0 ? DestinationRuleSet.Empty : DestinationRuleSet.Combine(_destinationRuleFiles.Select(f => f.Current));
}
