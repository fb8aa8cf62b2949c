using System.Globalization;
using MeshClient.Routing;
using MeshClient.Sidecar;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Http;

/// <summary>
/// The message handler of sidecar mode: no registry, the Envoy sidecar balances. Per request, the URI's authority is
/// replaced by the go-micro address rule (<see cref="SidecarAddress"/>): the host is the service name, the call
/// address <c>:PORT</c> joins it with dots replaced by dashes (<c>http://go.micro.api.sample/x</c> with <c>:9080</c>
/// goes to <c>http://go-micro-api-sample:9080/x</c>), a fixed address is used as it is. The Host header follows the
/// new authority, because that is the name the sidecar routes by. The request's URI is restored afterwards. Hosts
/// that are IP addresses are sent as they are.
/// </summary>
internal sealed partial class SidecarRoutingHandler : DelegatingHandler
{
    private readonly string? _callAddress;
    private readonly string? _namespace;
    private readonly ILogger _logger;

    /// <summary>Creates the handler; set <see cref="DelegatingHandler.InnerHandler"/> unless an HttpClient factory does.</summary>
    /// <param name="settings">The validated options (the sidecar call address and namespace).</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentException">The call address is empty or malformed.</exception>
    public SidecarRoutingHandler(MeshHttpSettings settings, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.SidecarCallAddress is { } address)
        {
            // An empty or malformed address is an error now, not at the first call.
            SidecarAddress.Resolve("service", address);
        }

        _callAddress = settings.SidecarCallAddress;
        _namespace = settings.SidecarNamespace;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var original = request.RequestUri;
        if (original is null || !original.IsAbsoluteUri || original.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var callAddress = _callAddress ?? ":" + original.Port.ToString(CultureInfo.InvariantCulture);
        string address;
        try
        {
            address = SidecarAddress.Resolve(original.Host, callAddress, _namespace);
        }
        catch (ArgumentException exception)
        {
            throw new MeshRoutingException(original.Host, RouteFailure.ServiceNotFound, exception.Message, exception);
        }

        if (!Uri.TryCreate($"{original.Scheme}://{address}{original.PathAndQuery}", UriKind.Absolute, out var rewritten))
        {
            throw new MeshRoutingException(
                original.Host,
                RouteFailure.ServiceNotFound,
                $"The sidecar address '{address}' of service '{original.Host}' (call address '{callAddress}') does not make a valid URI.");
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogRewritten(_logger, original, rewritten);
        }

        request.RequestUri = rewritten;
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            request.RequestUri = original;
        }
    }
}
