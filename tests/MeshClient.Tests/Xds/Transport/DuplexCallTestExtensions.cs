using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>Starts ADS calls, and reads and writes with a bound, so a hung call fails the test instead of hanging it.</summary>
internal static class DuplexCallTestExtensions
{
    public static IGrpcDuplexCall<DiscoveryRequest, DiscoveryResponse> StartAds(
        this HttpGrpcTransport transport, CancellationToken cancellationToken = default, string? methodPath = null) =>
        transport.StartDuplexStreaming<DiscoveryRequest, DiscoveryResponse>(methodPath ?? HttpGrpcTransport.AdsMethodV3, DiscoveryResponse.Parser, cancellationToken);

    public static Task<TResponse?> ReadBoundedAsync<TRequest, TResponse>(this IGrpcDuplexCall<TRequest, TResponse> call)
        where TResponse : class =>
        call.ReadAsync(CancellationToken.None).AsTask().WaitAsync(GrpcTestServer.Bound);

    public static Task WriteBoundedAsync<TRequest, TResponse>(this IGrpcDuplexCall<TRequest, TResponse> call, TRequest message)
        where TResponse : class =>
        call.WriteAsync(message, CancellationToken.None).WaitAsync(GrpcTestServer.Bound);

    public static async Task<GrpcCallException> ReadFailureAsync<TRequest, TResponse>(this IGrpcDuplexCall<TRequest, TResponse> call)
        where TResponse : class =>
        await Assert.ThrowsAsync<GrpcCallException>(() => call.ReadBoundedAsync());
}
