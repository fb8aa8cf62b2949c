namespace MeshClient.Cli.Commands;

/// <summary>What meshctl asks of Pilot: where it is, how to talk to it, and how long to listen.</summary>
/// <param name="Pilot">Pilot's xDS address: <c>grpc://</c> or <c>http://</c> (plaintext, with a port), or <c>https://</c>.</param>
/// <param name="XdsVersion">The xDS API version.</param>
/// <param name="Namespace">
/// The namespace meshctl presents itself in (node id and <c>NAMESPACE</c> metadata; Pilot scopes what it sends by it),
/// and the namespace of a bare service name.
/// </param>
/// <param name="Timeout">How long to wait for the first complete CDS+EDS state.</param>
/// <param name="Settle">How long to keep listening after the first complete state, so later pushes are applied.</param>
/// <param name="Security">TLS and token files for Pilot, or <see langword="null"/> for none.</param>
internal sealed record EndpointsRequest(Uri Pilot, XdsApiVersion XdsVersion, string Namespace, TimeSpan Timeout, TimeSpan Settle, PilotSecurity? Security = null)
{
    /// <summary>The address for messages: scheme, host and port, such as <c>grpc://istiod.istio-system:15010</c>.</summary>
    public string PilotAddress => Pilot.Scheme == "unix" ? Pilot.ToString() : Pilot.GetLeftPart(UriPartial.Authority);
}
