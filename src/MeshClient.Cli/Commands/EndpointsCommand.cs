using System.CommandLine;
using MeshClient.Cli.Output;
using MeshClient.Registry;

namespace MeshClient.Cli.Commands;

/// <summary>
/// <c>meshctl endpoints</c>: connects to Pilot, waits for the first complete CDS+EDS state (plus <c>--settle</c>), and
/// prints the clusters and endpoints, as a table or as the registry JSON document.
/// </summary>
internal sealed class EndpointsCommand : IMeshctlCommand
{
    private readonly IRegistrySource? _pilot;
    private readonly bool _announceWaits;

    /// <summary>Creates the command.</summary>
    /// <param name="pilot">Loads the registry from Pilot; <see langword="null"/> in a build without a Pilot connection.</param>
    /// <param name="announceWaits">Print a line on stderr while waiting for Pilot (when stderr is a terminal).</param>
    public EndpointsCommand(IRegistrySource? pilot, bool announceWaits = false)
    {
        _pilot = pilot;
        _announceWaits = announceWaits;
    }

    public string Name => "endpoints";

    public Command Define() => new(Name, """
        Print the clusters and endpoints Pilot sends (like istioctl proxy-config endpoints).

        Connects to Pilot, waits for the first complete CDS+EDS state, keeps listening --settle seconds more so later
        pushes are applied, then prints every cluster and endpoint and exits.

        Exit codes: 0 printed, 1 Pilot unreachable, no complete state in time, or no such service, 2 usage error.
        """)
    {
        MeshctlOptions.Pilot(
            "Pilot's xDS address: grpc://HOST:PORT or http://HOST:PORT (plaintext, Pilot's port is 15010), https://HOST[:PORT]; a bare HOST:PORT means grpc://.",
            required: true),
        MeshctlOptions.Xds(),
        MeshctlOptions.PilotSecurity(),
        MeshctlOptions.Namespace("The namespace meshctl presents itself in to Pilot, and of a bare --service name. Default default."),
        MeshctlOptions.Value("service", "NAME[:PORT]", "Print only the clusters of this service: reviews, reviews.default or the host, any port (NAME:PORT for one port)."),
        MeshctlOptions.Timeout(),
        MeshctlOptions.Value("settle", "SECONDS", "How long to keep listening after the first complete state. Default 0."),
        MeshctlOptions.Flag("json", "Print one JSON document: {\"clusters\":[{\"name\":...,\"endpoints\":[...]}]}; 'meshctl route --registry FILE' reads it back."),
    };

    public async Task<int> RunAsync(CommandArguments arguments, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        EndpointsRequest request;
        ServiceArgument? service;
        bool json;
        try
        {
            request = PilotArguments.Read(arguments);
            service = arguments.Value("service") is { } name ? ServiceArgument.Parse(name) : null;
            json = arguments.Flag("json");
        }
        catch (UsageException e)
        {
            return CommandErrors.Usage(stderr, Name, e);
        }

        var snapshot = await PilotRegistry.LoadAsync(_pilot, request, Name, stderr, _announceWaits, cancellationToken);
        if (snapshot is null)
        {
            return ExitCodes.Failure;
        }

        IEnumerable<MeshCluster> clusters = snapshot.Clusters.Values;
        if (service is not null)
        {
            var found = ServiceClusters(snapshot, service, request.Namespace);
            if (found.Count == 0)
            {
                await stderr.WriteLineAsync($"meshctl {Name}: {RegistryServices.Describe(snapshot, service, request.Namespace, $"Pilot at {request.PilotAddress}")}");
                return ExitCodes.Failure;
            }

            clusters = found;
        }

        if (json)
        {
            await stdout.WriteLineAsync(RegistryJson.Write(clusters));
        }
        else
        {
            EndpointTable.Write(stdout, clusters);
        }

        return ExitCodes.Success;
    }

    /// <summary>The clusters of a service (its all-endpoints cluster and subset clusters) on one port or every port.</summary>
    internal static IReadOnlyList<MeshCluster> ServiceClusters(RegistrySnapshot snapshot, ServiceArgument service, string defaultNamespace)
    {
        IEnumerable<MeshService> ports = service.Port is { } port
            ? snapshot.TryFindService(service.Name, port, defaultNamespace, out var one) ? [one] : []
            : snapshot.GetServicePorts(service.Name, defaultNamespace);
        var clusters = new List<MeshCluster>();
        foreach (var servicePort in ports)
        {
            if (servicePort.AllEndpoints is { } all)
            {
                clusters.Add(all);
            }

            clusters.AddRange(servicePort.Subsets.Values);
        }

        return clusters;
    }
}
