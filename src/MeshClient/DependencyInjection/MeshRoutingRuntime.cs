using MeshClient.Registry;
using MeshClient.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

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
    private readonly IConfigurationSection? _rulesSection;
    private readonly IDisposable? _rulesReload;

    public MeshRoutingRuntime(
        MeshOptions options,
        MeshRegistry registry,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IConfigurationSection? rulesSection = null)
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

        RouterRules? configuredRules = null;
        if (rulesSection is not null && rulesSection.Exists())
        {
            if (_routerFile is not null)
            {
                Dispose();
                throw new MeshConfigurationException(
                    rulesSection.Path,
                    0,
                    0,
                    $"route rules are given both here and in the file {_routerFile.Path} (Routing:RouterFile); use one of them");
            }

            _rulesSection = rulesSection;
            configuredRules = RouterRules.FromConfiguration(rulesSection);
        }

        Router = new MeshRouter(registry, _routerFile?.Current ?? configuredRules, CombinedDestinationRules(), options.ToRouterOptions(Namespace), timeProvider);
        if (_rulesSection is not null)
        {
            _rulesReload = ChangeToken.OnChange(_rulesSection.GetReloadToken, ReloadConfiguredRules);
        }

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
        _rulesReload?.Dispose();
        _routerFile?.Dispose();
        foreach (var file in _destinationRuleFiles)
        {
            file.Dispose();
        }
    }

    /// <summary>The configuration changed: new route rules from it, or the last good ones when they are bad.</summary>
    private void ReloadConfiguredRules()
    {
        try
        {
            Router.UpdateRules(RouterRules.FromConfiguration(_rulesSection!));
            LogConfiguredRulesReloaded(_logger, _rulesSection!.Path);
        }
        catch (MeshConfigurationException e)
        {
            LogConfiguredRulesRejected(_logger, e.Message);
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
