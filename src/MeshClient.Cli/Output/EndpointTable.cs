using System.Globalization;
using MeshClient.Registry;

namespace MeshClient.Cli.Output;

/// <summary>
/// The text output of <c>meshctl endpoints</c>: one row per endpoint (like <c>istioctl proxy-config endpoints</c>),
/// one row for a cluster without endpoints, then a summary line. PRIORITY is the endpoint's priority as Pilot sent it;
/// LOCALITY LB is <c>weight N</c> (its locality's weight) when the cluster asked for locality-weighted balancing, and
/// <c>off</c> when it did not (only endpoint weights count then).
/// </summary>
internal static class EndpointTable
{
    public static void Write(TextWriter writer, IEnumerable<MeshCluster> clusters)
    {
        var table = new TextTable(
            new TextColumn("ENDPOINT"),
            new TextColumn("HEALTH"),
            new TextColumn("WEIGHT", AlignRight: true),
            new TextColumn("PRIORITY", AlignRight: true),
            new TextColumn("LOCALITY"),
            new TextColumn("LOCALITY LB"),
            new TextColumn("LABELS"),
            new TextColumn("CLUSTER"));
        int clusterCount = 0, endpointCount = 0, notRoutable = 0;
        foreach (var cluster in clusters.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            clusterCount++;
            if (cluster.Endpoints.IsEmpty)
            {
                table.AddRow(cluster.EndpointsReceived ? "(none)" : "(awaiting EDS)", "-", "-", "-", "-", cluster.LocalityWeighted ? "on" : "off", "-", cluster.Name);
                continue;
            }

            foreach (var endpoint in cluster.Endpoints)
            {
                endpointCount++;
                notRoutable += endpoint.IsRoutable ? 0 : 1;
                table.AddRow(
                    endpoint.ToString(),
                    RegistryJson.HealthName(endpoint.Health),
                    endpoint.Weight.ToString(CultureInfo.InvariantCulture),
                    endpoint.Priority.ToString(CultureInfo.InvariantCulture),
                    Locality(endpoint.Locality),
                    cluster.LocalityWeighted ? string.Create(CultureInfo.InvariantCulture, $"weight {endpoint.LocalityWeight}") : "off",
                    Labels(endpoint.Labels),
                    cluster.Name);
            }
        }

        table.WriteTo(writer);
        writer.WriteLine();
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{clusterCount} {Plural(clusterCount, "cluster")}, {endpointCount} {Plural(endpointCount, "endpoint")} ({notRoutable} not routable)"));
    }

    /// <summary><c>region/zone/subZone</c>, or <c>-</c> when the locality is unknown.</summary>
    public static string Locality(EndpointLocality locality) =>
        locality.Region.Length == 0 && locality.Zone.Length == 0 && locality.SubZone.Length == 0
            ? "-"
            : $"{locality.Region}/{locality.Zone}/{locality.SubZone}";

    /// <summary><c>name=value,...</c> sorted by name, or <c>-</c> when there are none.</summary>
    public static string Labels(IReadOnlyDictionary<string, string> labels) =>
        labels.Count == 0 ? "-" : string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";
}
