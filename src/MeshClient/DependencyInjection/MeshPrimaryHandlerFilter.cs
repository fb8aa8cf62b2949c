using MeshClient.Http;
using Microsoft.Extensions.Http;

namespace MeshClient.DependencyInjection;

/// <summary>
/// Runs after every other configuration of an HttpClient factory's handler chain (a filter wraps all the
/// <c>ConfigurePrimaryHttpMessageHandler</c> and <c>AddHttpMessageHandler</c> actions, whatever their order), and when
/// the chain holds a mesh handler from <c>AddMeshRouting()</c>, keeps Grpc.Net.Client's own balancer off its primary
/// handler (<see cref="GrpcChannelBalancing"/>): a client from <c>AddGrpcClient</c> is then balanced per call by the
/// mesh instead of being connected to what DNS gives for the host. Chains without a mesh handler are left as they are.
/// </summary>
internal sealed class MeshPrimaryHandlerFilter : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return builder =>
        {
            next(builder);
            foreach (var handler in builder.AdditionalHandlers)
            {
                if (handler is MeshRoutingHandler or SidecarRoutingHandler)
                {
                    GrpcChannelBalancing.DisableUnder(builder.PrimaryHandler);
                    return;
                }
            }
        };
    }
}
