namespace MeshClient.Testing.Ads;

/// <summary>How FakePilot ends a stream it was told to end.</summary>
internal enum StreamEndMode
{
    /// <summary>Not asked to end.</summary>
    None = 0,

    /// <summary>grpc-status UNAVAILABLE, as a Pilot closing the stream does.</summary>
    Unavailable = 1,

    /// <summary>Reset the HTTP/2 stream (RST_STREAM), as a broken connection looks to the client.</summary>
    Reset = 2,

    /// <summary>grpc-status UNAVAILABLE because FakePilot is stopping.</summary>
    Stopping = 3,
}
