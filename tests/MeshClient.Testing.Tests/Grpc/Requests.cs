using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing.Tests.Grpc;

/// <summary>Builds the DiscoveryRequests a sidecar sends.</summary>
internal static class Requests
{
    public const string NodeId = "sidecar~10.1.0.7~app-1.default~default.svc.cluster.local";

    public static DiscoveryRequest First(string typeUrl, string nodeId = NodeId, params string[] names) =>
        With(new DiscoveryRequest { TypeUrl = typeUrl, Node = new Node { Id = nodeId } }, names);

    public static DiscoveryRequest Subscribe(string typeUrl, params string[] names) =>
        With(new DiscoveryRequest { TypeUrl = typeUrl }, names);

    public static DiscoveryRequest Ack(DiscoveryResponse response, params string[] names) =>
        With(new DiscoveryRequest { TypeUrl = response.TypeUrl, VersionInfo = response.VersionInfo, ResponseNonce = response.Nonce }, names);

    public static DiscoveryRequest Nack(DiscoveryResponse response, string lastVersion, string message, params string[] names) =>
        With(
            new DiscoveryRequest
            {
                TypeUrl = response.TypeUrl,
                VersionInfo = lastVersion,
                ResponseNonce = response.Nonce,
                ErrorDetail = new MeshClient.Xds.Protos.Rpc.Status { Code = 3, Message = message },
            },
            names);

    private static DiscoveryRequest With(DiscoveryRequest request, string[] names)
    {
        request.ResourceNames.AddRange(names);
        return request;
    }
}
