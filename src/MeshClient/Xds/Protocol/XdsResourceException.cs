namespace MeshClient.Xds.Protocol;

/// <summary>
/// A discovery response holds a resource the client cannot apply. The message names the resource and the problem;
/// it becomes the NACK's error_detail.
/// </summary>
internal sealed class XdsResourceException : Exception
{
    public XdsResourceException(string message)
        : base(message)
    {
    }

    public XdsResourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
