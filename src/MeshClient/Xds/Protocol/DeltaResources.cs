using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The resources of a delta response as a state-of-the-world response (so the same decoders validate them), with
/// each resource's version by name. A resource without a name is invalid; one without a body (a TTL heartbeat) is left out.
/// </summary>
internal sealed class DeltaResources
{
    private DeltaResources(DiscoveryResponse response, Dictionary<string, string> versions)
    {
        Response = response;
        Versions = versions;
    }

    /// <summary>The resource bodies, in order, as a DiscoveryResponse of the same type URL, system version and nonce.</summary>
    public DiscoveryResponse Response { get; }

    /// <summary>The version of each named resource.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; }

    /// <summary>Reads the resources of <paramref name="delta"/>; an unnamed one goes into <paramref name="errors"/>.</summary>
    public static DeltaResources Read(DeltaDiscoveryResponse delta, XdsResourceErrors errors)
    {
        var response = new DiscoveryResponse { TypeUrl = delta.TypeUrl, VersionInfo = delta.SystemVersionInfo, Nonce = delta.Nonce };
        var versions = new Dictionary<string, string>(delta.Resources.Count, StringComparer.Ordinal);
        for (var i = 0; i < delta.Resources.Count; i++)
        {
            var resource = delta.Resources[i];
            if (resource.Name.Length == 0)
            {
                errors.Add(null, $"resource {i}: the delta resource has no name");
                continue;
            }

            if (resource.Resource_ is null)
            {
                continue;
            }

            versions[resource.Name] = resource.Version;
            response.Resources.Add(resource.Resource_);
        }

        return new DeltaResources(response, versions);
    }

    /// <summary>
    /// Keeps the decoded resources whose name is the name of a delta resource; any other is invalid (its body names a
    /// resource the response does not).
    /// </summary>
    public List<T> KeepNamed<T>(List<T> decoded, Func<T, string> nameOf, XdsResourceErrors errors)
    {
        var kept = new List<T>(decoded.Count);
        foreach (var item in decoded)
        {
            var name = nameOf(item);
            if (Versions.ContainsKey(name))
            {
                kept.Add(item);
            }
            else
            {
                errors.Add(name, $"\"{name}\" is not the name of any delta resource in the response (Resource.name must name its body)");
            }
        }

        return kept;
    }
}
