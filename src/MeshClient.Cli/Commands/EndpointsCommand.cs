using MeshClient.Cli.Output;
using MeshClient.Registry;

namespace MeshClient.Cli.Commands;

/// <summary>
/// <c>meshctl endpoints</c>: connects to Pilot, waits for the first complete CDS+EDS state (plus <c>--settle</c>), and
/// prints the clusters and endpoints, as a table or as the registry JSON document.
/// </summary>
internal sealed class EndpointsCommand : IMeshctlCommand
{
    private static readonly string[] ValueOptions = ["pilot", "xds", "namespace", "service", "timeout", "settle"];
    private static readonly string[] FlagOptions = ["json"];

    private readonly IRegistrySource? _pilot;

    /// <summary>Creates the command.</summary>
    /// <param name="pilot">Loads the registry from Pilot; <see langword="null"/> in a build without a Pilot connection.</param>
    public EndpointsCommand(IRegistrySource? pilot)
    {
        _pilot = pilot;
    }

    public string Name => "endpoints";

    public string Summary => "Print the clusters and endpoints Pilot sends (like istioctl proxy-config endpoints).";

    public string Usage => """
        Usage: meshctl endpoints --pilot ADDRESS [--xds v2|v3] [--namespace NS] [--service NAME[:PORT]]
                                 [--timeout SECONDS] [--settle SECONDS] [--json]

        Connects to Pilot, waits for the first complete CDS+EDS state, keeps listening --settle seconds more so later
        pushes are applied, then prints every cluster and endpoint and exits.

        Options:
          --pilot ADDRESS      Pilot's xDS address: grpc://HOST:PORT or http://HOST:PORT (plaintext, Pilot's port is
                               15010), https://HOST[:PORT]; a bare HOST:PORT means grpc://. Required.
          --xds v2|v3          The xDS API version: v2 for Pilot 1.0 to 1.7, v3 for istiod 1.8 and later. Default v3.
          --namespace NS       The namespace meshctl presents itself in to Pilot, and of a bare --service name.
                               Default default.
          --service NAME       Print only the clusters of this service: reviews, reviews.default or the host, any port
                               (NAME:PORT for one port).
          --timeout SECONDS    How long to wait for the first complete state. Default 10.
          --settle SECONDS     How long to keep listening after it. Default 0.
          --json               Print one JSON document: {"clusters":[{"name":...,"endpoints":[...]}]}; 'meshctl route
                               --registry FILE' reads it back.

        Exit codes: 0 printed, 1 Pilot unreachable, no complete state in time, or no such service, 2 usage error.
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        EndpointsRequest request;
        ServiceArgument? service;
        bool json;
        try
        {
            var arguments = CommandArguments.Parse(args, ValueOptions, FlagOptions);
            request = PilotArguments.Read(arguments);
            service = arguments.Value("service") is { } name ? ServiceArgument.Parse(name) : null;
            json = arguments.Has("json");
        }
        catch (UsageException e)
        {
            return CommandErrors.Usage(stderr, Name, e);
        }

        var snapshot = await PilotRegistry.LoadAsync(_pilot, request, Name, stderr, cancellationToken);
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
