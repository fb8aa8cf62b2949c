namespace MeshClient;

/// <summary>What happens to a call whose host the mesh does not know.</summary>
public enum UnknownHostBehavior
{
    /// <summary>Send it as it is, to the host in its URI.</summary>
    PassThrough = 0,

    /// <summary>Fail it with an error that names the host.</summary>
    Fail = 1,
}
