namespace MeshClient.Registry;

/// <summary>
/// The health of an endpoint as Pilot reports it (the xDS <c>HealthStatus</c> enum, same values).
/// </summary>
public enum EndpointHealth
{
    /// <summary>Health is not known; treated as routable, as Envoy does.</summary>
    Unknown = 0,

    /// <summary>Healthy and routable.</summary>
    Healthy = 1,

    /// <summary>Unhealthy; kept in the registry but never routed to.</summary>
    Unhealthy = 2,

    /// <summary>Draining; kept in the registry but never routed to.</summary>
    Draining = 3,

    /// <summary>Health check timed out; kept in the registry but never routed to.</summary>
    Timeout = 4,

    /// <summary>Degraded; routable.</summary>
    Degraded = 5,
}
