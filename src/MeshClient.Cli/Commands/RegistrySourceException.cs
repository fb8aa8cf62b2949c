namespace MeshClient.Cli.Commands;

/// <summary>Pilot could not give a complete state: unreachable, refused, or silent past the timeout. meshctl exits 1.</summary>
internal sealed class RegistrySourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why, in words for the user: <c>Pilot at grpc://...:15010 sent no complete state within 10 s (last error: ...)</c>.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public RegistrySourceException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
