using MeshClient.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace MeshClient.DependencyInjection;

/// <summary>
/// Runs after every other configuration of an HttpClient factory's handler chain (a filter wraps all the
/// <c>ConfigurePrimaryHttpMessageHandler</c> and <c>AddHttpMessageHandler</c> actions, whatever their order), and when
/// the chain holds a mesh handler from <c>AddMeshRouting()</c>, keeps Grpc.Net.Client's own balancer off its primary
/// handler (<see cref="GrpcChannelBalancing"/>): a client from <c>AddGrpcClient</c> is then balanced per call by the
/// mesh instead of being connected to what DNS gives for the host. Under a Pilot-mode mesh handler with a workload
/// certificate (<c>Mesh:Workload</c>), it also gives the primary handler Istio mutual TLS to peers
/// (<see cref="PeerTlsConnector"/>): the factory's default primary handler is replaced by the mesh's
/// <see cref="SocketsHttpHandler"/>, and a configured <see cref="SocketsHttpHandler"/> gets the connector after its
/// own connect callback; another kind of primary handler is left as it is (plaintext to peers). Chains without a mesh
/// handler are left as they are.
/// </summary>
internal sealed class MeshPrimaryHandlerFilter(IServiceProvider services) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return builder =>
        {
            // The factory's own primary handler, before any configuration action replaced it.
            var initial = builder.PrimaryHandler;
            next(builder);
            foreach (var handler in builder.AdditionalHandlers)
            {
                if (handler is MeshRoutingHandler or SidecarRoutingHandler)
                {
                    if (handler is MeshRoutingHandler && services.GetService<MeshHttpRuntime>()?.PeerTls is { } peerTls)
                    {
                        AddPeerTls(builder, initial, peerTls);
                    }

                    GrpcChannelBalancing.DisableUnder(builder.PrimaryHandler);
                    return;
                }
            }
        };
    }

    private static void AddPeerTls(HttpMessageHandlerBuilder builder, HttpMessageHandler? initial, PeerTlsConnector peerTls)
    {
        if (builder.PrimaryHandler is HttpClientHandler && ReferenceEquals(builder.PrimaryHandler, initial))
        {
            builder.PrimaryHandler.Dispose();
            builder.PrimaryHandler = MeshHttpHandler.CreateDefaultInnerHandler();
        }

        if (builder.PrimaryHandler is SocketsHttpHandler sockets)
        {
            peerTls.InstallOn(sockets);
        }
    }
}
