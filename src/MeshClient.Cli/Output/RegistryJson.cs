using System.Collections.Immutable;
using System.Text.Json;
using MeshClient.Registry;

namespace MeshClient.Cli.Output;

/// <summary>
/// The JSON document <c>meshctl endpoints --json</c> prints, and its reader for <c>meshctl route --registry</c>:
/// <c>{"clusters":[{"name":...,"direction":...,"service":...,"namespace":...,"port":9080,"subset":"v1","localityWeighted":false,"endpoints":[...]}]}</c>.
/// Each endpoint carries its priority and its locality's weight as Pilot sent them; <c>localityWeighted</c> says
/// whether the cluster asked for locality-weighted balancing (only then do locality weights count).
/// </summary>
internal static class RegistryJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    public static string Write(IEnumerable<MeshCluster> clusters)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("clusters");
            foreach (var cluster in clusters.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                WriteCluster(json, cluster);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a document written by <see cref="Write"/>.</summary>
    /// <exception cref="FormatException">The file is not such a document; the message names the file and the place.</exception>
    public static RegistrySnapshot Read(string path, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("clusters", out var clusters) || clusters.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"{path}: the document has no \"clusters\" array (write it with 'meshctl endpoints --json').");
            }

            var result = new List<MeshCluster>();
            var index = 0;
            foreach (var cluster in clusters.EnumerateArray())
            {
                result.Add(ReadCluster(path, index++, cluster));
            }

            var duplicate = result.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new FormatException($"{path}: cluster \"{duplicate.Key}\" appears more than once.");
            }

            return new RegistrySnapshot(1, result);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: {e.Message}", e);
        }
    }

    private static void WriteCluster(Utf8JsonWriter json, MeshCluster cluster)
    {
        var istio = IstioClusterName.TryParse(cluster.Name, out var parsed) ? parsed : null;
        json.WriteStartObject();
        json.WriteString("name", cluster.Name);
        WriteStringOrNull(json, "direction", istio?.Direction);
        WriteStringOrNull(json, "service", istio?.Service);
        WriteStringOrNull(json, "namespace", istio?.Namespace);
        if (istio is null)
        {
            json.WriteNull("port");
        }
        else
        {
            json.WriteNumber("port", istio.Port);
        }

        WriteStringOrNull(json, "subset", istio?.Subset);
        json.WriteBoolean("localityWeighted", cluster.LocalityWeighted);
        json.WriteStartArray("endpoints");
        foreach (var endpoint in cluster.Endpoints)
        {
            json.WriteStartObject();
            json.WriteString("address", endpoint.Address);
            json.WriteNumber("port", endpoint.Port);
            json.WriteString("health", HealthName(endpoint.Health));
            json.WriteNumber("weight", endpoint.Weight);
            json.WriteNumber("priority", endpoint.Priority);
            json.WriteStartObject("locality");
            json.WriteString("region", endpoint.Locality.Region);
            json.WriteString("zone", endpoint.Locality.Zone);
            json.WriteString("subZone", endpoint.Locality.SubZone);
            json.WriteEndObject();
            json.WriteNumber("localityWeight", endpoint.LocalityWeight);
            json.WriteStartObject("labels");
            foreach (var (key, value) in endpoint.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static MeshCluster ReadCluster(string path, int index, JsonElement cluster)
    {
        var where = $"{path}: clusters[{index}]";
        if (!cluster.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(name.GetString()))
        {
            throw new FormatException($"{where}: \"name\" is missing or empty.");
        }

        where = $"{path}: cluster \"{name.GetString()}\"";
        var endpoints = ImmutableArray.CreateBuilder<MeshEndpoint>();
        if (cluster.TryGetProperty("endpoints", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var endpoint in list.EnumerateArray())
            {
                endpoints.Add(ReadEndpoint($"{where}: endpoints[{i++}]", endpoint));
            }
        }

        var localityWeighted = false;
        if (cluster.TryGetProperty("localityWeighted", out var weighted))
        {
            localityWeighted = weighted.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new FormatException($"{where}: \"localityWeighted\" must be true or false."),
            };
        }

        return new MeshCluster(name.GetString()!, endpoints.ToImmutable(), localityWeighted: localityWeighted);
    }

    private static MeshEndpoint ReadEndpoint(string where, JsonElement endpoint)
    {
        var address = endpoint.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        if (string.IsNullOrEmpty(address))
        {
            throw new FormatException($"{where}: \"address\" is missing or empty.");
        }

        if (!endpoint.TryGetProperty("port", out var p) || !p.TryGetInt32(out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"{where}: \"port\" must be a number from 1 to 65535.");
        }

        var health = EndpointHealth.Healthy;
        if (endpoint.TryGetProperty("health", out var h) && h.ValueKind == JsonValueKind.String && !TryParseHealth(h.GetString()!, out health))
        {
            throw new FormatException($"{where}: \"health\" is \"{h.GetString()}\"; expected HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED or UNKNOWN.");
        }

        var weight = endpoint.TryGetProperty("weight", out var w) && w.TryGetUInt32(out var wv) ? wv : 1u;
        var priority = endpoint.TryGetProperty("priority", out var pr) && pr.TryGetUInt32(out var pv) ? pv : 0u;
        var locality = EndpointLocality.None;
        if (endpoint.TryGetProperty("locality", out var l) && l.ValueKind == JsonValueKind.Object)
        {
            locality = new EndpointLocality(StringOrEmpty(l, "region"), StringOrEmpty(l, "zone"), StringOrEmpty(l, "subZone"));
        }

        var localityWeight = endpoint.TryGetProperty("localityWeight", out var lw) && lw.TryGetUInt32(out var lwv) ? lwv : 1u;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (endpoint.TryGetProperty("labels", out var lb) && lb.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in lb.EnumerateObject())
            {
                labels[label.Name] = label.Value.ValueKind == JsonValueKind.String ? label.Value.GetString()! : label.Value.GetRawText();
            }
        }

        return new MeshEndpoint(address, port, health, weight, locality, localityWeight, priority, labels);
    }

    private static string StringOrEmpty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    internal static string HealthName(EndpointHealth health) => health switch
    {
        EndpointHealth.Healthy => "HEALTHY",
        EndpointHealth.Unhealthy => "UNHEALTHY",
        EndpointHealth.Draining => "DRAINING",
        EndpointHealth.Timeout => "TIMEOUT",
        EndpointHealth.Degraded => "DEGRADED",
        _ => "UNKNOWN",
    };

    private static bool TryParseHealth(string name, out EndpointHealth health)
    {
        foreach (var candidate in Enum.GetValues<EndpointHealth>())
        {
            if (string.Equals(HealthName(candidate), name, StringComparison.Ordinal))
            {
                health = candidate;
                return true;
            }
        }

        health = EndpointHealth.Unknown;
        return false;
    }
}
