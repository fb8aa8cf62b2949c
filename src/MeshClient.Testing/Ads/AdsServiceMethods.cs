using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using AdsV2 = MeshClient.Xds.Protos.Discovery.V2.AggregatedDiscoveryService;
using AdsV3 = MeshClient.Xds.Protos.Discovery.V3.AggregatedDiscoveryService;

namespace MeshClient.Testing.Ads;

/// <summary>
/// Binds the v3 and v2 ADS methods (names from the generated services) to <see cref="AdsService"/> with pass-through
/// marshallers (requests in pooled buffers, <see cref="RequestMessage"/>): FakePilot parses each DiscoveryRequest itself (so a request that does not parse ends the call with a
/// status that says so) and may send bytes that are no DiscoveryResponse (<see cref="FakePilot.SendRawMessageAsync"/>).
/// </summary>
internal sealed class AdsServiceMethods : IServiceMethodProvider<AdsService>
{
    private static readonly Marshaller<byte[]> PassThrough = Marshallers.Create(static (byte[] bytes) => bytes, static bytes => bytes);

    /// <summary>The v3 ADS method.</summary>
    public static readonly Method<RequestMessage, byte[]> V3 = Create(AdsV3.Descriptor);

    /// <summary>The v2 ADS method.</summary>
    public static readonly Method<RequestMessage, byte[]> V2 = Create(AdsV2.Descriptor);

    /// <summary>The v3 incremental (delta) ADS method.</summary>
    public static readonly Method<RequestMessage, byte[]> DeltaV3 = Create(AdsV3.Descriptor, "DeltaAggregatedResources");

    /// <inheritdoc />
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<AdsService> context)
    {
        foreach (var method in new[] { V3, V2, DeltaV3 })
        {
            var path = method.FullName;
            context.AddDuplexStreamingMethod(method, [], (service, requests, responses, call) => service.ServeAsync(path, requests, responses, call));
        }
    }

    private static Method<RequestMessage, byte[]> Create(ServiceDescriptor service, string method = "StreamAggregatedResources") =>
        new(MethodType.DuplexStreaming, service.FullName, service.FindMethodByName(method).Name, RequestMessage.Marshaller, PassThrough);
}
