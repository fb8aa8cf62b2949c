using System.Globalization;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Http;

/// <summary>The errors a routed call fails with, each naming the service, the call and why.</summary>
internal static class MeshCallErrors
{
    /// <summary>The router found the service but no endpoint for the call.</summary>
    public static MeshRoutingException NoEndpoint(Uri uri, in RouteDecision decision)
    {
        var service = decision.Service is { } known ? string.Create(CultureInfo.InvariantCulture, $"{known.Host}:{known.Port}") : uri.Authority;
        var reason = decision.Failure switch
        {
            RouteFailure.PortNotSpecified => $"the service has several ports and the request URI '{uri}' names none of them",
            RouteFailure.NoRoutableEndpoints => "the service has no routable endpoint (none is healthy, or Pilot has sent none yet)",
            RouteFailure.NoEndpointWithTags => "no routable endpoint carries the tags the route rule chose (check the DestinationRule subsets and their labels)",
            _ => decision.Failure.ToString(),
        };
        return new MeshRoutingException(
            decision.RequestedService,
            decision.Failure,
            $"No endpoint for service '{service}': {reason}. Decision: {decision}");
    }

    /// <summary>The mesh knows no such service and Mesh:Routing:UnknownHost is Fail.</summary>
    public static MeshRoutingException UnknownHost(HttpRequestMessage request, Uri uri, MeshRegistry registry)
    {
        // Why the registry may not know a service yet: it has never synced with Pilot.
        var notSynced = registry.HasSynced
            ? string.Empty
            : $" The registry has not synced with Pilot yet ({registry.ConnectionState}: {registry.LastError ?? "no answer yet"}).";
        return new MeshRoutingException(
            uri.Authority,
            RouteFailure.ServiceNotFound,
            $"The mesh knows no service '{uri.Authority}' (request {request.Method} {uri}), and Mesh:Routing:UnknownHost is Fail.{notSynced}");
    }

    /// <summary>The call did not get its response headers within Mesh:Timeout; a <see cref="TimeoutException"/> inside says so.</summary>
    public static TaskCanceledException Timeout(HttpRequestMessage request, Uri original, string service, MeshEndpoint endpoint, int attempts, TimeSpan timeout, Exception inner)
    {
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"The call to service '{service}' ({request.Method} {original}), last at endpoint {endpoint} after {attempts} attempt(s), did not complete within the mesh timeout of {timeout.TotalSeconds:0.###} s (Mesh:Timeout).");
        return new TaskCanceledException(message, new TimeoutException(message, inner));
    }
}
