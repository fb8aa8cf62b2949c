namespace MeshClient.Routing;

/// <summary>Why a routing decision has no endpoint.</summary>
public enum RouteFailure
{
    /// <summary>The decision has an endpoint.</summary>
    None = 0,

    /// <summary>The registry has no service by that name (and port).</summary>
    ServiceNotFound = 1,

    /// <summary>The service has several ports and the request named none.</summary>
    PortNotSpecified = 2,

    /// <summary>No rule matched and the service has no routable endpoint.</summary>
    NoRoutableEndpoints = 3,

    /// <summary>A rule chose a tag set that no routable endpoint carries.</summary>
    NoEndpointWithTags = 4,
}
