using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using MeshClient.Registry;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;

namespace MeshClient.Grpc;

/// <summary>
/// Resolves an <c>xds:///</c> target from the mesh's registry: publishes the addresses of the service's routable
/// endpoints, with a service config naming the mesh's load balancer (<see cref="MeshLoadBalancerFactory"/>) and the
/// target, and publishes again when a registry change alters that service's endpoints (changes of other services are
/// ignored). Until the registry's first sync nothing is published, so calls wait (bounded by their deadline); a
/// service Pilot does not name, or one without routable endpoints, is published as UNAVAILABLE with the reason. With
/// on-demand EDS, nothing is published while the service's endpoints are being fetched, and the state is published
/// again when that (bounded) wait ends, whether or not the registry changed.
/// </summary>
internal sealed partial class MeshXdsResolver : Resolver
{
    private readonly MeshRouter _router;
    private readonly XdsTarget _target;
    private readonly Uri _address;
    private readonly ILogger _logger;
    private Action<ResolverResult>? _listener;
    private string? _published;
    private int _publishRequests;
    private int _watchingWait;
    private bool _waitEnded;
    private volatile bool _disposed;

    public MeshXdsResolver(MeshRouter router, XdsTarget target, Uri address, ILogger logger)
    {
        _router = router;
        _target = target;
        _address = address;
        _logger = logger;
    }

    public override void Start(Action<ResolverResult> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (Interlocked.CompareExchange(ref _listener, listener, null) is not null)
        {
            throw new InvalidOperationException("The resolver has already started.");
        }

        var registry = _router.Registry;
        registry.Changed += OnRegistryChanged;
        registry.StateChanged += OnStateChanged;
        Publish();
    }

    /// <summary>A hint from the balancer (a subchannel failed): the registry is pushed, so there is nothing to poll; the current state is published again if it differs.</summary>
    public override void Refresh() => Publish();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _router.Registry.Changed -= OnRegistryChanged;
            _router.Registry.StateChanged -= OnStateChanged;
        }

        base.Dispose(disposing);
    }

    /// <summary>Publishes again when <paramref name="wait"/> ends; one wait watched at a time.</summary>
    private void PublishWhenOver(Task wait)
    {
        if (Interlocked.Exchange(ref _watchingWait, 1) != 0)
        {
            return;
        }

        _ = wait.ContinueWith(
            static (_, state) =>
            {
                var resolver = (MeshXdsResolver)state!;
                Volatile.Write(ref resolver._waitEnded, true);
                Volatile.Write(ref resolver._watchingWait, 0);
                resolver.Publish();
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static string Describe(IReadOnlyList<BalancerAddress> addresses) =>
        string.Join(", ", addresses.Select(a => a.ToString()));

    private void OnRegistryChanged(object? sender, RegistryChangedEventArgs e) => Publish();

    private void OnStateChanged(object? sender, EventArgs e) => Publish();

    /// <summary>
    /// Publishes the registry's current state, one caller at a time and holding no lock while the channel takes it
    /// (the channel calls back into <see cref="Refresh"/> under its own lock): a request that arrives while another
    /// caller publishes makes that caller publish once more, from the then current state, so the last state wins.
    /// </summary>
    private void Publish()
    {
        if (Interlocked.Increment(ref _publishRequests) != 1)
        {
            return;
        }

        do
        {
            PublishCurrent();
        }
        while (Interlocked.Decrement(ref _publishRequests) != 0);
    }

    private void PublishCurrent()
    {
        var registry = _router.Registry;
        var snapshot = registry.Current;
        if (_disposed || _listener is not { } listener || (!registry.HasSynced && snapshot.Clusters.Count == 0))
        {
            // Disposed, or no answer from Pilot yet: calls wait for the first state rather than fail.
            return;
        }

        var result = Resolve(snapshot, out var key);
        if (result is null || string.Equals(key, _published, StringComparison.Ordinal))
        {
            return;
        }

        _published = key;
        if (result.Status.StatusCode == StatusCode.OK)
        {
            LogPublished(_logger, _address, result.Addresses!.Count, Describe(result.Addresses));
        }
        else
        {
            LogUnavailable(_logger, _address, result.Status.Detail);
        }

        listener(result);
    }

    /// <summary>
    /// The result for <paramref name="snapshot"/>, and a key that is equal for equal results; <see langword="null"/>
    /// while the service's endpoints are being fetched on demand (calls wait for them rather than fail).
    /// </summary>
    private ResolverResult? Resolve(RegistrySnapshot snapshot, out string key)
    {
        if (!snapshot.TryFindService(_target.Service, _target.Port, _router.Context.DefaultNamespace, out var service))
        {
            var ports = snapshot.GetServicePorts(_target.Service, _router.Context.DefaultNamespace);
            var reason = ports.Count == 0
                ? $"Pilot names no service '{_target}' (namespace '{_router.Context.DefaultNamespace}' for a bare name)."
                : $"service '{_target.Service}' has ports {string.Join(", ", ports.Select(p => p.Port.ToString(CultureInfo.InvariantCulture)))}: the address '{_address}' must name one of them.";
            key = "!" + reason;
            return ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"xds:/// target '{_target}': {reason}"));
        }

        // On-demand EDS: a channel to the service is a use of it (nothing happens without on-demand EDS).
        _router.Registry.NoteServiceUsed(service);
        var addresses = new List<BalancerAddress>();
        var seen = new HashSet<(string, int)>();
        foreach (var cluster in service.EndpointClusters)
        {
            foreach (var endpoint in cluster.Endpoints)
            {
                if (endpoint.IsRoutable && seen.Add((endpoint.Address, endpoint.Port)))
                {
                    addresses.Add(new BalancerAddress(endpoint.Address, endpoint.Port));
                }
            }
        }

        if (addresses.Count == 0)
        {
            var known = _router.Registry.WhenServiceEndpointsKnown(service);
            if (!known.IsCompleted && !Volatile.Read(ref _waitEnded))
            {
                // Still being fetched: published again when the wait ends, which no registry change may follow (an
                // empty assignment, or the does-not-exist rule, is published before the wait is settled). A wait
                // that ended on its bound is not begun again: the channel's calls fail, as an HTTP call does after
                // its one bounded wait, until endpoints arrive.
                PublishWhenOver(known);
                key = string.Empty;
                return null;
            }

            if (_router.Registry.Current.Version != snapshot.Version)
            {
                // The wait is over because they arrived in a newer state than this one: that state's change
                // publishes them (the ADS client settles a wait only after publishing what arrived).
                key = string.Empty;
                return null;
            }

            var reason = $"service '{service.Host}:{service.Port.ToString(CultureInfo.InvariantCulture)}' has no routable endpoint (none is healthy, or Pilot has sent none).";
            key = "!" + reason;
            return ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"xds:/// target '{_target}': {reason}"));
        }

        Volatile.Write(ref _waitEnded, false);
        addresses.Sort((x, y) => string.CompareOrdinal(x.ToString(), y.ToString()));
        key = service.Host + "|" + Describe(addresses);
        return ResolverResult.ForResult(addresses, MeshLoadBalancerFactory.ServiceConfigFor(_target), serviceConfigStatus: null);
    }
}
