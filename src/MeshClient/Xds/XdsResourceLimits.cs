using System.Globalization;

namespace MeshClient.Xds;

/// <summary>
/// Bounds on what one xDS response may hold, so a faulty or hostile Pilot cannot make the client's memory grow
/// without bound. A response over a response-wide limit (size, clusters, total endpoints) is rejected (NACKed naming the
/// limit) and the state in force stays; a resource over a per-resource limit (endpoints per cluster, labels) is an
/// invalid resource: it is named in the NACK and its last good version stays, while the rest of the response applies.
/// </summary>
public sealed class XdsResourceLimits
{
    /// <summary>The default of <see cref="MaxResponseBytes"/>: 64 MiB.</summary>
    public const int DefaultMaxResponseBytes = 64 * 1024 * 1024;

    /// <summary>The default of <see cref="MaxClusters"/>.</summary>
    public const int DefaultMaxClusters = 50_000;

    /// <summary>The default of <see cref="MaxEndpointsPerCluster"/>.</summary>
    public const int DefaultMaxEndpointsPerCluster = 20_000;

    /// <summary>The default of <see cref="MaxTotalEndpoints"/>.</summary>
    public const int DefaultMaxTotalEndpoints = 500_000;

    /// <summary>The default of <see cref="MaxLabelsPerEndpoint"/>.</summary>
    public const int DefaultMaxLabelsPerEndpoint = 64;

    /// <summary>The default of <see cref="MaxLabelLength"/>.</summary>
    public const int DefaultMaxLabelLength = 1024;

    /// <summary>The largest serialized discovery response, in bytes; 64 MiB by default.</summary>
    public int MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>The most clusters a CDS response may hold; 50,000 by default.</summary>
    public int MaxClusters { get; set; } = DefaultMaxClusters;

    /// <summary>The most endpoints one cluster (inline or EDS) may have; 20,000 by default.</summary>
    public int MaxEndpointsPerCluster { get; set; } = DefaultMaxEndpointsPerCluster;

    /// <summary>The most endpoints of all clusters together, after an update is applied; 500,000 by default.</summary>
    public int MaxTotalEndpoints { get; set; } = DefaultMaxTotalEndpoints;

    /// <summary>The most labels one endpoint may carry; 64 by default.</summary>
    public int MaxLabelsPerEndpoint { get; set; } = DefaultMaxLabelsPerEndpoint;

    /// <summary>The longest label key or value, in characters; 1024 by default.</summary>
    public int MaxLabelLength { get; set; } = DefaultMaxLabelLength;

    /// <summary>Checks every limit.</summary>
    /// <returns>One message per limit that is not positive; empty when all are valid.</returns>
    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Check(errors, nameof(MaxResponseBytes), MaxResponseBytes);
        Check(errors, nameof(MaxClusters), MaxClusters);
        Check(errors, nameof(MaxEndpointsPerCluster), MaxEndpointsPerCluster);
        Check(errors, nameof(MaxTotalEndpoints), MaxTotalEndpoints);
        Check(errors, nameof(MaxLabelsPerEndpoint), MaxLabelsPerEndpoint);
        Check(errors, nameof(MaxLabelLength), MaxLabelLength);
        return errors;
    }

    private static void Check(List<string> errors, string name, int value)
    {
        if (value <= 0)
        {
            errors.Add($"Limits.{name} is {value.ToString(CultureInfo.InvariantCulture)}; it must be positive.");
        }
    }
}
