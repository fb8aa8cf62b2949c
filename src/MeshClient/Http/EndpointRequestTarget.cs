using System.Globalization;
using System.Runtime.CompilerServices;
using MeshClient.Registry;

namespace MeshClient.Http;

/// <summary>
/// Where a request goes at one endpoint: the endpoint URI (the logical URI's scheme, path and query at the endpoint's
/// address) and the Host value that keeps the logical service, cached per <see cref="MeshEndpoint"/> object of the
/// registry's snapshot for the last logical URI sent there. A new snapshot brings new endpoint objects, so the cache
/// goes with the registry; a hit allocates nothing, and SocketsHttpHandler reads the strings it needs from the same
/// <see cref="Uri"/> (which computes them once) call after call. In front of the table (whose lookup was about 0.25 %
/// of a call's CPU in a profile), a small direct-mapped array of recent endpoints answers a hit with one reference
/// comparison; it holds at most <see cref="RecentSlots"/> endpoints of older snapshots alive until their slots are reused.
/// </summary>
internal sealed class EndpointRequestTarget
{
    /// <summary>The slots of the recent-endpoints array (a power of two).</summary>
    internal const int RecentSlots = 64;

    private static readonly ConditionalWeakTable<MeshEndpoint, EndpointRequestTarget> ByEndpoint = new();
    private static readonly EndpointRequestTarget?[] RecentTargets = new EndpointRequestTarget?[RecentSlots];

    private readonly MeshEndpoint _endpoint;
    private readonly string _authority;
    private Entry? _last;

    private EndpointRequestTarget(MeshEndpoint endpoint)
    {
        _endpoint = endpoint;
        _authority = endpoint.Address.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{endpoint.Address}]:{endpoint.Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{endpoint.Address}:{endpoint.Port}");
    }

    /// <summary>The target of <paramref name="endpoint"/>, created at its first call.</summary>
    public static EndpointRequestTarget Of(MeshEndpoint endpoint)
    {
        ref var slot = ref RecentTargets[RuntimeHelpers.GetHashCode(endpoint) & (RecentSlots - 1)];
        var recent = Volatile.Read(ref slot);
        if (recent is not null && ReferenceEquals(recent._endpoint, endpoint))
        {
            return recent;
        }

        // A miss allocates nothing (the slot takes the target itself), so a service of more endpoints than slots
        // costs the table's lookup per call, as before the array, and no garbage.
        var target = ByEndpoint.TryGetValue(endpoint, out var known) ? known : ByEndpoint.GetValue(endpoint, static e => new EndpointRequestTarget(e));
        Volatile.Write(ref slot, target);
        return target;
    }

    /// <summary>The endpoint URI and Host value of a request for <paramref name="logical"/> (an absolute URI naming the service).</summary>
    public Entry For(Uri logical)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && (ReferenceEquals(last.Logical, logical) || string.Equals(last.Logical.OriginalString, logical.OriginalString, StringComparison.Ordinal)))
        {
            return last;
        }

        var entry = new Entry(
            logical,
            new Uri(string.Concat(logical.Scheme, Uri.SchemeDelimiter, _authority, logical.PathAndQuery), UriKind.Absolute),
            logical.Authority);
        Volatile.Write(ref _last, entry);
        return entry;
    }

    /// <summary>A logical URI's request target at the endpoint.</summary>
    /// <param name="Logical">The URI the caller gave.</param>
    /// <param name="Uri">The same scheme, path and query at the endpoint's address.</param>
    /// <param name="Host">The logical URI's authority, for the Host header.</param>
    internal sealed record Entry(Uri Logical, Uri Uri, string Host);
}
