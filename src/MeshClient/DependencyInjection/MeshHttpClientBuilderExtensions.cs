using MeshClient.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;

#pragma warning disable IDE0130 // Extension methods live in the namespace of the type they extend, as Microsoft.Extensions.* do.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Sends the requests of an HttpClient through the mesh.</summary>
public static class MeshHttpClientBuilderExtensions
{
    /// <summary>
    /// Routes every request of this client through the mesh, as <c>AddMeshDiscovery</c> configured it. In Pilot mode
    /// each request (each gRPC call) gets a routing decision from its headers and the app's identity, goes to the
    /// chosen endpoint with the Host header kept as the logical service, and is retried and timed out per the
    /// options; in Sidecar mode its address is rewritten by the go-micro rule and the sidecar balances.
    /// </summary>
    /// <param name="builder">The HttpClient builder, from <c>AddHttpClient</c>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// <c>AddMeshDiscovery</c> must be called too, before or after; without it the client fails when it is created.
    /// The client may be a gRPC client from <c>AddGrpcClient&lt;T&gt;(o =&gt; o.Address = new("http://reviews:9080"))</c>:
    /// Grpc.Net.Client's own balancer is kept off its primary handler, so every call goes through the mesh rather than to
    /// what DNS gives for the host. For an <c>xds:///</c> address, do not add this: the channel balances through the
    /// mesh by itself.
    /// </remarks>
    /// <example>
    /// <code>
    /// services.AddMeshDiscovery(configuration.GetSection("Mesh"));
    /// services.AddHttpClient&lt;ReviewsClient&gt;(c =&gt; c.BaseAddress = new("http://reviews:9080")).AddMeshRouting();
    /// </code>
    /// </example>
    public static IHttpClientBuilder AddMeshRouting(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, MeshPrimaryHandlerFilter>());
        return builder.AddHttpMessageHandler(services =>
        {
            var runtime = services.GetService<MeshHttpRuntime>()
                ?? throw new InvalidOperationException(
                    $"HttpClient '{builder.Name}' uses AddMeshRouting(), but MeshClient is not registered: call services.AddMeshDiscovery(...) as well.");
            return runtime.CreateHandler();
        });
    }
}
