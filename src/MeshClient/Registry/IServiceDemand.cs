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
    /// <returns>
    /// A task that completes when the service's endpoints have arrived for the first time, or have been given up on
    /// (the does-not-exist rule, or a bounded wait); already completed when they are known.
    /// </returns>
    Task OnServiceUsed(MeshService service);
}
