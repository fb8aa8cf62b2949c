namespace MeshClient.Xds.Protocol;

/// <summary>Data of <see cref="AdsClient.ResourceDoesNotExist"/>: a requested resource did not arrive in time.</summary>
internal sealed class XdsResourceDoesNotExistEventArgs : EventArgs
{
    public XdsResourceDoesNotExistEventArgs(string typeUrl, string resourceName, TimeSpan timeout)
    {
        TypeUrl = typeUrl;
        ResourceName = resourceName;
        Timeout = timeout;
    }

    /// <summary>The resource's type URL.</summary>
    public string TypeUrl { get; }

    /// <summary>The resource name that was requested.</summary>
    public string ResourceName { get; }

    /// <summary>How long the client waited, while connected.</summary>
    public TimeSpan Timeout { get; }
}
