using Grpc.Net.ClientFactory;
using MeshClient.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshClient.DependencyInjection;

/// <summary>
/// Completes the options of every gRPC client from <c>AddGrpcClient</c> whose address is <c>xds:///</c>, after the
/// app's own configuration: plaintext credentials and the <c>Mesh:Retry</c> retry policy, each only when the app set
/// none (<see cref="MeshGrpcChannelDefaults"/>). Clients with other addresses are left alone.
/// </summary>
internal sealed class MeshXdsClientOptions(IServiceProvider services) : IPostConfigureOptions<GrpcClientFactoryOptions>
{
    public void PostConfigure(string? name, GrpcClientFactoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IsXds(options.Address))
        {
            return;
        }

        options.ChannelOptionsActions.Add(channel =>
            MeshGrpcChannelDefaults.Apply(channel, services.GetRequiredService<MeshHttpRuntime>().Settings.Retry));
    }

    /// <summary>Whether a gRPC client's address is an xds:/// target.</summary>
    public static bool IsXds(Uri? address) =>
        address is not null && string.Equals(address.Scheme, XdsTarget.Scheme, StringComparison.OrdinalIgnoreCase);
}
