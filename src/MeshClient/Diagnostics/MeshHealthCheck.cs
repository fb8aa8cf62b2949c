using MeshClient.Registry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshClient.Diagnostics;

/// <summary>
/// Reports the registry's connection to Pilot: Healthy when connected and synced, Degraded when serving stale data,
/// Unhealthy when it has never synced. In Sidecar mode there is no Pilot to be connected to: always Healthy.
/// </summary>
internal sealed class MeshHealthCheck : IHealthCheck
{
    private readonly MeshRegistry _registry;
    private readonly bool _sidecarMode;

    public MeshHealthCheck(MeshRegistry registry, bool sidecarMode = false)
    {
        _registry = registry;
        _sidecarMode = sidecarMode;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_sidecarMode)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Sidecar mode: no Pilot; the Envoy sidecar balances."));
        }

        var data = new Dictionary<string, object>
        {
            ["state"] = _registry.ConnectionState.ToString(),
            ["version"] = _registry.Version,
            ["clusters"] = _registry.Current.Clusters.Count,
        };
        if (_registry.LastError is { } error)
        {
            data["lastError"] = error;
        }

        var result = (_registry.HasSynced, _registry.ConnectionState) switch
        {
            (true, MeshConnectionState.Synced) => HealthCheckResult.Healthy("Connected to Pilot and synced.", data),
            (true, _) => HealthCheckResult.Degraded($"Serving the last good state while reconnecting to Pilot: {_registry.LastError ?? "stream lost"}.", data: data),
            _ => HealthCheckResult.Unhealthy($"Never synced with Pilot: {_registry.LastError ?? "connecting"}.", data: data),
        };
        return Task.FromResult(result);
    }
}
