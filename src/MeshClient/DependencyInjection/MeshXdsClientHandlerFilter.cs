using Grpc.Net.ClientFactory;
using MeshClient.Grpc;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace MeshClient.DependencyInjection;

/// <summary>
/// Adds a <see cref="GrpcResponseStatusRecorder"/> beneath the handlers of every gRPC client whose address is
/// <c>xds:///</c>, so the mesh's call trackers see trailers-only UNAVAILABLE answers as the endpoint's failures.
/// </summary>
internal sealed class MeshXdsClientHandlerFilter(IOptionsMonitor<GrpcClientFactoryOptions> grpcOptions) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return builder =>
        {
            next(builder);
            if (builder.Name is { } name && MeshXdsClientOptions.IsXds(grpcOptions.Get(name).Address))
            {
                builder.AdditionalHandlers.Add(new GrpcResponseStatusRecorder());
            }
        };
    }
}
