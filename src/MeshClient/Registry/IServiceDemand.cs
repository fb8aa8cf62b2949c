namespace MeshClient.Registry;

/// <summary>
/// Hears which services the app uses, so the source of the registry can fetch their endpoints on demand (on-demand EDS).
/// The router reports each use through <see cref="MeshRegistry.NoteServiceUsed"/>; the xDS client implements it.
/// </summary>
internal interface IServiceDemand
{
    /// <summary>
    /// Records a use of <paramref name="service"/>. Called on every routing decision, from any thread: it must be cheap
    /// and must not block.
    /// </summary>
    /// <param name="service">The service used.</param>
    void OnServiceUsed(MeshService service);

    /// <summary>Waits, bounded, for the endpoints of a used service to arrive for the first time.</summary>
    /// <param name="service">The service.</param>
    /// <returns>
    /// A task that completes when the service's endpoints have arrived, or have been given up on (the does-not-exist
    /// rule, or the bound); already completed when they are known.
    /// </returns>
    Task WhenEndpointsKnown(MeshService service);
}
