namespace MeshClient.Xds.Protocol;

/// <summary>A request could not be written to the ADS stream; <see cref="Exception.InnerException"/> says why.</summary>
internal sealed class AdsWriteFailedException(Exception inner)
    : Exception("Writing to the ADS stream failed.", inner);
