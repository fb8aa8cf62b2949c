namespace MeshClient.Http;

/// <summary>
/// Keeps Grpc.Net.Client's own client-side balancer out of a mesh handler's way. A <c>GrpcChannel</c> given an
/// <c>HttpHandler</c> walks its chain of <see cref="DelegatingHandler"/>s; when it finds a
/// <see cref="SocketsHttpHandler"/> at the bottom, it resolves the channel's host itself (DNS), opens its own
/// connections and sends every call there before any handler of the chain runs its routing. It leaves the chain alone
/// when that <see cref="SocketsHttpHandler"/> carries the property <see cref="DisabledProperty"/> set to
/// <see langword="true"/>, which is what this class sets under every mesh handler.
/// </summary>
internal static class GrpcChannelBalancing
{
    /// <summary>The <see cref="SocketsHttpHandler.Properties"/> key Grpc.Net.Client reads (2.5x and later).</summary>
    public const string DisabledProperty = "__GrpcLoadBalancingDisabled";

    /// <summary>Marks every <see cref="SocketsHttpHandler"/> in the chain under <paramref name="handler"/>.</summary>
    /// <param name="handler">The top of a handler chain, or <see langword="null"/>.</param>
    public static void DisableUnder(HttpMessageHandler? handler)
    {
        // A chain is short; the bound only guards against a handler that is its own inner handler.
        for (var depth = 0; handler is not null && depth < 64; depth++)
        {
            switch (handler)
            {
                case SocketsHttpHandler sockets:
                    sockets.Properties[DisabledProperty] = true;
                    return;
                case DelegatingHandler delegating:
                    handler = delegating.InnerHandler;
                    break;
                default:
                    return;
            }
        }
    }
}
