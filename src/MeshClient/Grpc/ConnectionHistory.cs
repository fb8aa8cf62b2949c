using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using MeshClient.LoadBalancing;
using MeshClient.Resilience;

namespace MeshClient.Grpc;

/// <summary>
/// Stands between a <see cref="MeshLoadBalancer"/> and its channel to watch the subchannels it creates, per endpoint
/// address: still making its first connection, ready, or failed since (a lost connection, a refused one). A call whose
/// route rule chose only endpoints that are connecting for the first time, or that became ready after the picker was
/// built, waits for the next picker instead of going to another tag set.
/// </summary>
internal sealed class ConnectionHistory : IChannelControlHelper
{
    private const int FirstConnecting = 0;
    private const int Ready = 1;
    private const int Lost = 2;

    private readonly IChannelControlHelper _channel;
    private readonly ConcurrentDictionary<EndpointAddress, int> _states = new(EndpointAddressComparer.Instance);

    public ConnectionHistory(IChannelControlHelper channel)
    {
        _channel = channel;
    }

    /// <summary>Whether a call for <paramref name="address"/> should wait for the next picker rather than go elsewhere.</summary>
    public bool IsWorthWaitingFor(EndpointAddress address) =>
        _states.TryGetValue(address, out var state) && state != Lost;

    public Subchannel CreateSubchannel(SubchannelOptions options)
    {
        var subchannel = _channel.CreateSubchannel(options);
        if (options.Addresses is [{ } address, ..])
        {
            var key = new EndpointAddress(address.EndPoint.Host, address.EndPoint.Port);
            _states[key] = FirstConnecting;

            // Registered before the balancer's own callback, so the history is current when the balancer builds its picker.
            subchannel.OnStateChanged(state =>
            {
                switch (state.State)
                {
                    case ConnectivityState.Ready:
                        _states[key] = Ready;
                        break;
                    case ConnectivityState.TransientFailure or ConnectivityState.Shutdown:
                        _states[key] = Lost;
                        break;
                    case ConnectivityState.Idle:
                        // A ready connection that closed (the pod went away, or the connection idled out).
                        _states.TryUpdate(key, Lost, Ready);
                        break;
                }
            });
        }

        return subchannel;
    }

    public void UpdateState(BalancerState state) => _channel.UpdateState(state);

    public void RefreshResolver() => _channel.RefreshResolver();
}
