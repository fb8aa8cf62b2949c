using MeshClient.Routing;
using MeshClient.Xds;
using MeshClient.Xds.Transport;

namespace MeshClient;

/// <summary>Maps the public <see cref="MeshOptions"/> onto the options of each component.</summary>
internal static class MeshOptionsMapping
{
    public static XdsClientOptions ToXdsClientOptions(this MeshOptions options) => new()
    {
        Version = options.Pilot.XdsVersion,
        PodName = options.Node.PodName,
        PodNamespace = options.Node.PodNamespace ?? options.Namespace,
        InstanceIp = options.Node.InstanceIp,
        ClusterId = options.Node.ClusterId,
        Region = options.Node.Region,
        Zone = options.Node.Zone,
        SubZone = options.Node.SubZone,
        Labels = new Dictionary<string, string>(options.Service.Tags, StringComparer.Ordinal),
        ResourceDoesNotExistTimeout = options.Pilot.ResourceTimeout,
        ReconnectInitialDelay = options.Pilot.ReconnectInitialBackoff,
        ReconnectMultiplier = options.Pilot.ReconnectBackoffMultiplier,
        ReconnectMaxDelay = options.Pilot.ReconnectMaxBackoff,
        Limits = options.Pilot.Limits,
        Protocol = options.Pilot.XdsProtocol,
        OnDemandEndpoints = options.Pilot.OnDemandEndpoints,
        OnDemandIdleTimeout = options.Pilot.OnDemandIdleTimeout,
    };

    /// <summary>
    /// The transport to Pilot: the address and its TLS and token files, with the in-pod defaults
    /// (<see cref="MeshPilotOptions.DefaultCaFile"/>, <see cref="MeshPilotOptions.DefaultTokenFile"/>) for an https://
    /// address when those files exist.
    /// </summary>
    /// <param name="options">The validated options.</param>
    /// <param name="timeProvider">The clock of call deadlines and certificate validity.</param>
    /// <param name="fileExists">Whether a default file exists; <see cref="File.Exists"/> when <see langword="null"/>.</param>
    public static GrpcTransportOptions ToTransportOptions(this MeshOptions options, TimeProvider timeProvider, Func<string, bool>? fileExists = null)
    {
        var pilot = options.Pilot;
        var address = new Uri(pilot.Address);
        var tls = address.Scheme == Uri.UriSchemeHttps;
        var exists = fileExists ?? File.Exists;
        return new GrpcTransportOptions
        {
            Address = address,
            TimeProvider = timeProvider,
            CaFile = tls ? Resolve(pilot.CaFile, MeshPilotOptions.DefaultCaFile, exists) : null,
            ServerName = tls && !string.IsNullOrWhiteSpace(pilot.ServerName) ? pilot.ServerName.Trim() : null,
            ClientCertificateFile = tls ? Explicit(pilot.ClientCertificateFile) : null,
            ClientKeyFile = tls ? Explicit(pilot.ClientKeyFile) : null,
            TokenFile = address.Scheme switch
            {
                "https" => Resolve(pilot.TokenFile, MeshPilotOptions.DefaultTokenFile, exists),
                GrpcTransportOptions.UnixScheme => Explicit(pilot.TokenFile),
                _ => null,
            },
        };
    }

    public static MeshRouterOptions ToRouterOptions(this MeshOptions options, string defaultNamespace)
    {
        var routing = options.Routing;
        var router = new MeshRouterOptions
        {
            DefaultNamespace = defaultNamespace,
            DefaultStrategy = routing.DefaultStrategy,
            WeightSelection = routing.WeightSelection,
            SessionHeaderName = routing.SessionHeader,
            SessionCookieName = routing.SessionCookie,
            SessionTimeout = routing.SessionTimeout,
            SessionSuccessiveFailures = routing.SessionSuccessiveFailures,
        };
        foreach (var (service, strategy) in routing.Strategies)
        {
            router.Strategies[service] = strategy;
        }

        return router;
    }

    /// <summary>The configured file; <see langword="null"/> takes the default when it exists; empty means none.</summary>
    private static string? Resolve(string? configured, string defaultFile, Func<string, bool> exists) => configured switch
    {
        null => exists(defaultFile) ? defaultFile : null,
        _ => Explicit(configured),
    };

    private static string? Explicit(string? configured) => string.IsNullOrWhiteSpace(configured) ? null : configured.Trim();

    /// <summary>The namespace of bare service names: the option, else <c>POD_NAMESPACE</c>, else <c>default</c>.</summary>
    public static string ResolveNamespace(this MeshOptions options, Func<string, string?>? getEnvironmentVariable = null)
    {
        if (!string.IsNullOrWhiteSpace(options.Namespace))
        {
            return options.Namespace;
        }

        var fromEnvironment = (getEnvironmentVariable ?? Environment.GetEnvironmentVariable)("POD_NAMESPACE");
        return string.IsNullOrWhiteSpace(fromEnvironment) ? "default" : fromEnvironment.Trim();
    }
}
