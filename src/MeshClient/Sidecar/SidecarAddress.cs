namespace MeshClient.Sidecar;

/// <summary>
/// The address rule of go-micro's Istio plugins (sidecar mode, no registry): a call address that starts with
/// <c>:</c> is joined to the service name with its dots replaced by dashes, so service <c>go.micro.api.sample</c>
/// with <c>:9080</c> calls <c>go-micro-api-sample:9080</c>, the Kubernetes service the Envoy sidecar routes;
/// any other address is used as it is.
/// </summary>
internal static class SidecarAddress
{
    /// <summary>Resolves the address a call is sent to.</summary>
    /// <param name="serviceName">The target service name, such as <c>go.micro.api.sample</c>.</param>
    /// <param name="callAddress">The call address: <c>:PORT</c> to derive the host from the service name, or a fixed <c>host:port</c>.</param>
    /// <param name="namespace">When set, <c>.namespace</c> is appended to a derived host (<c>go-micro-api-sample.prod:9080</c>).</param>
    /// <returns>The <c>host:port</c> to call.</returns>
    /// <exception cref="ArgumentException">The call address is empty, or it starts with <c>:</c> and the service name is empty or the port is not 1 to 65535.</exception>
    public static string Resolve(string serviceName, string callAddress, string? @namespace = null)
    {
        if (string.IsNullOrWhiteSpace(callAddress))
        {
            throw new ArgumentException(
                $"The sidecar call address for service '{serviceName}' is empty: give ':PORT' (joined to the service name) or a fixed 'host:port'.",
                nameof(callAddress));
        }

        callAddress = callAddress.Trim();
        if (!callAddress.StartsWith(':'))
        {
            return callAddress;
        }

        if (string.IsNullOrWhiteSpace(serviceName))
        {
            throw new ArgumentException($"The sidecar call address '{callAddress}' starts with ':' but the service name is empty.", nameof(serviceName));
        }

        var port = callAddress.AsSpan(1);
        if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new ArgumentException($"The sidecar call address '{callAddress}' of service '{serviceName}' does not end in a port from 1 to 65535.", nameof(callAddress));
        }

        var host = serviceName.Trim().Replace('.', '-');
        if (!string.IsNullOrWhiteSpace(@namespace))
        {
            host = host + "." + @namespace.Trim();
        }

        return host + callAddress;
    }
}
