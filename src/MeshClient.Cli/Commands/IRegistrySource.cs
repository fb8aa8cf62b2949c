using MeshClient.Registry;

namespace MeshClient.Cli.Commands;

/// <summary>
/// The registry as Pilot serves it, for <c>meshctl endpoints</c> and <c>meshctl route --pilot</c>. The one piece of
/// meshctl that talks to Pilot; the ADS client implements it.
/// </summary>
internal interface IRegistrySource
{
    /// <summary>
    /// Connects to <see cref="EndpointsRequest.Pilot"/> with <see cref="EndpointsRequest.XdsVersion"/>, waits for the
    /// first complete CDS+EDS state (at most <see cref="EndpointsRequest.Timeout"/>), keeps listening
    /// <see cref="EndpointsRequest.Settle"/> more so later pushes are applied, disconnects and returns the state then.
    /// </summary>
    /// <param name="request">Where Pilot is and how long to listen.</param>
    /// <param name="cancellationToken">Stops the wait (Ctrl+C).</param>
    /// <returns>The registry's state.</returns>
    /// <exception cref="RegistrySourceException">
    /// Pilot cannot be reached or sent no complete state within the timeout; the message says why and is printed as it is.
    /// </exception>
    Task<RegistrySnapshot> LoadAsync(EndpointsRequest request, CancellationToken cancellationToken);
}
