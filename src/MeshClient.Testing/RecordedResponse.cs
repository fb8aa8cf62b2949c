using System.Globalization;

namespace MeshClient.Testing;

/// <summary>A DiscoveryResponse that <see cref="FakePilot"/> sent.</summary>
public sealed record RecordedResponse
{
    internal RecordedResponse(int sequence, int streamId, string typeUrl, string versionInfo, string nonce, IReadOnlyList<string> resourceNames)
    {
        Sequence = sequence;
        StreamId = streamId;
        TypeUrl = typeUrl;
        VersionInfo = versionInfo;
        Nonce = nonce;
        ResourceNames = resourceNames;
    }

    /// <summary>The response's position among all responses this FakePilot sent, from 1.</summary>
    public int Sequence { get; }

    /// <summary>The stream it was sent on.</summary>
    public int StreamId { get; }

    /// <summary>The type URL.</summary>
    public string TypeUrl { get; }

    /// <summary>The version_info.</summary>
    public string VersionInfo { get; }

    /// <summary>The nonce.</summary>
    public string Nonce { get; }

    /// <summary>The names of the resources it carried (cluster names), in order; empty names for unreadable raw resources.</summary>
    public IReadOnlyList<string> ResourceNames { get; }

    /// <summary>Whether it was sent on a delta stream (a DeltaDiscoveryResponse: <see cref="VersionInfo"/> is its system_version_info, <see cref="ResourceNames"/> the changed resources).</summary>
    public bool IsDelta { get; internal init; }

    /// <summary>Delta only: removed_resources.</summary>
    public IReadOnlyList<string> RemovedResources { get; internal init; } = [];

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"#{Sequence} stream {StreamId} {TypeUrl} version='{VersionInfo}' nonce='{Nonce}' names=[{string.Join(",", ResourceNames)}]")
        + (IsDelta ? $" delta removed=[{string.Join(",", RemovedResources)}]" : string.Empty);
}
