using System.Net;
using MeshClient.Xds.Protos.Core;

namespace MeshClient.Testing.Ads;

/// <summary>Checks the node id Pilot needs on the first request of a stream: <c>TYPE~IP~ID~DOMAIN</c>.</summary>
internal static class PilotNodeId
{
    /// <summary>Describes what is wrong with the node of a stream's first request.</summary>
    /// <returns>The problem, or <see langword="null"/> when the node id is parseable.</returns>
    public static string? FindProblem(Node? node)
    {
        if (node is null || node.Id.Length == 0)
        {
            return "The first request on the stream has no node id; Pilot needs node.id 'sidecar~IP~ID~DOMAIN' to identify the proxy.";
        }

        var id = node.Id;
        var parts = id.Split('~');
        if (parts.Length != 4)
        {
            return $"Invalid node id '{id}': expected 4 '~'-separated parts 'TYPE~IP~ID~DOMAIN' (such as 'sidecar~10.1.0.7~app-1.default~default.svc.cluster.local'), found {parts.Length}.";
        }

        if (parts[0] is not ("sidecar" or "router"))
        {
            return $"Invalid node id '{id}': node type '{parts[0]}' is not 'sidecar' or 'router'.";
        }

        if (!IPAddress.TryParse(parts[1], out _))
        {
            return $"Invalid node id '{id}': '{parts[1]}' is not an IP address.";
        }

        if (parts[2].Length == 0)
        {
            return $"Invalid node id '{id}': the ID part (POD.NAMESPACE) is empty.";
        }

        return null;
    }
}
