using System.Globalization;
using System.Text;
using MeshClient.Registry;
using MeshClient.Testing;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// What FakePilot serves in the mesh-scale tests, changed only through this class so that it knows FakePilot's state:
/// a generated mesh of background services (<c>sNNNNN.mesh</c>, port 8080, ten pods each, never called) and the
/// called services, whose pods are real backends on loopback. It tells whether a registry snapshot holds what
/// FakePilot serves, for some clusters or for the whole mesh.
/// </summary>
internal sealed class ScaleMesh(FakePilot pilot)
{
    public const int BackgroundPort = 8080;
    public const int EndpointsPerService = 10;

    private readonly Dictionary<string, HashSet<string>> _served = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _backgroundVersions = [];

    // The churn changes the state on one task; registry events check it on the client's thread.
    private readonly Lock _gate = new();

    public FakePilot Pilot => pilot;

    /// <summary>The number of clusters FakePilot serves now.</summary>
    public int ClusterCount
    {
        get
        {
            lock (_gate)
            {
                return _served.Count;
            }
        }
    }

    public static string BackgroundHost(int index) => string.Create(CultureInfo.InvariantCulture, $"s{index:D5}.mesh.svc.cluster.local");

    public static string ClusterName(string host, int port) => string.Create(CultureInfo.InvariantCulture, $"outbound|{port}||{host}");

    /// <summary>Whether background service <paramref name="index"/> is served now.</summary>
    public bool ServesBackground(int index) => _backgroundVersions.ContainsKey(index);

    /// <summary>The version of background service <paramref name="index"/> served now.</summary>
    public int VersionOf(int index) => _backgroundVersions[index];

    /// <summary>Serves background service <paramref name="index"/> with the pods of <paramref name="version"/> (each version moves every pod).</summary>
    /// <returns>Its cluster name.</returns>
    public string SetBackground(int index, int version)
    {
        var endpoints = Enumerable.Range(0, EndpointsPerService)
            .Select(k => new FakeEndpoint(
                string.Create(CultureInfo.InvariantCulture, $"10.{1 + (index / 256)}.{index % 256}.{1 + (((version * EndpointsPerService) + k) % 250)}"),
                BackgroundPort) { TlsMode = null })
            .ToList();
        _backgroundVersions[index] = version;
        return Set(BackgroundHost(index), BackgroundPort, endpoints);
    }

    /// <summary>Stops serving background service <paramref name="index"/> (a CDS removal).</summary>
    /// <returns>Its cluster name.</returns>
    public string RemoveBackground(int index)
    {
        var host = BackgroundHost(index);
        Assert.True(pilot.RemoveService(host, BackgroundPort), $"FakePilot did not serve {host}");
        _backgroundVersions.Remove(index);
        var cluster = ClusterName(host, BackgroundPort);
        lock (_gate)
        {
            _served.Remove(cluster);
        }

        return cluster;
    }

    /// <summary>Serves <paramref name="host"/> with <paramref name="endpoints"/> and no subsets.</summary>
    /// <returns>Its cluster name.</returns>
    public string Set(string host, int port, IReadOnlyCollection<FakeEndpoint> endpoints)
    {
        var cluster = Assert.Single(pilot.SetService(host, port, endpoints));
        lock (_gate)
        {
            _served[cluster] = [.. endpoints.Select(e => Format(e.Address, e.Port))];
        }

        return cluster;
    }

    /// <summary>Whether <paramref name="snapshot"/> holds each of <paramref name="clusters"/> as FakePilot serves it now (or lacks it when not served).</summary>
    public bool Holds(RegistrySnapshot snapshot, IEnumerable<string> clusters)
    {
        lock (_gate)
        {
            return clusters.All(c => Holds(snapshot, c));
        }
    }

    /// <summary>What differs between <paramref name="snapshot"/> and what FakePilot serves (at most 20 lines); empty when nothing does.</summary>
    public string Difference(RegistrySnapshot snapshot)
    {
        var lines = new List<string>();
        lock (_gate)
        {
            AddDifferences(snapshot, lines);
        }

        var text = new StringBuilder();
        foreach (var line in lines.Take(20))
        {
            text.AppendLine(line);
        }

        if (lines.Count > 20)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"... and {lines.Count - 20} more");
        }

        return text.ToString();
    }

    private static string Format(string address, int port) => string.Create(CultureInfo.InvariantCulture, $"{address}:{port}");

    private void AddDifferences(RegistrySnapshot snapshot, List<string> lines)
    {
        foreach (var (name, endpoints) in _served.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (!snapshot.Clusters.TryGetValue(name, out var cluster))
            {
                lines.Add($"missing {name}");
            }
            else if (!cluster.EndpointsReceived || !endpoints.SetEquals(cluster.Endpoints.Select(e => Format(e.Address, e.Port))))
            {
                lines.Add($"{name}: client [{string.Join(", ", cluster.Endpoints)}] (received: {cluster.EndpointsReceived}), FakePilot [{string.Join(", ", endpoints.Order(StringComparer.Ordinal))}]");
            }
        }

        lines.AddRange(snapshot.Clusters.Keys.Where(n => !_served.ContainsKey(n)).Order(StringComparer.Ordinal).Select(n => $"extra {n}"));
    }

    private bool Holds(RegistrySnapshot snapshot, string name)
    {
        var present = snapshot.Clusters.TryGetValue(name, out var cluster);
        if (!_served.TryGetValue(name, out var endpoints))
        {
            return !present;
        }

        return present
            && cluster!.EndpointsReceived
            && cluster.Endpoints.Length == endpoints.Count
            && cluster.Endpoints.All(e => endpoints.Contains(Format(e.Address, e.Port)));
    }
}
