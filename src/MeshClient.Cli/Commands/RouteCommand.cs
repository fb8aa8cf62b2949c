using System.CommandLine;
using System.Globalization;
using MeshClient.Cli.Distribution;
using MeshClient.Cli.Output;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Cli.Commands;

/// <summary>
/// <c>meshctl route</c>: makes N routing decisions with <see cref="MeshRouter"/> over a registry (a saved
/// <c>meshctl endpoints --json</c> document, or Pilot) with router.yaml rules and DestinationRules, and prints how
/// they spread over tag sets and endpoints, and which rule matched.
/// </summary>
internal sealed class RouteCommand : IMeshctlCommand
{
    /// <summary>The default of <c>--calls</c>.</summary>
    public const int DefaultCalls = 1000;

    private readonly IRegistrySource? _pilot;
    private readonly bool _announceWaits;

    /// <summary>Creates the command.</summary>
    /// <param name="pilot">Loads the registry from Pilot for <c>--pilot</c>; <see langword="null"/> in a build without a Pilot connection.</param>
    /// <param name="announceWaits">Print a line on stderr while waiting for Pilot (when stderr is a terminal).</param>
    public RouteCommand(IRegistrySource? pilot, bool announceWaits = false)
    {
        _pilot = pilot;
        _announceWaits = announceWaits;
    }

    public string Name => "route";

    public Command Define() => new(Name, """
        Make routing decisions as MeshClient does and print how they spread over subsets and endpoints.

        Routes N calls to the service with MeshClient's router (the first matching router.yaml rule picks a tag set
        by weight, the service's load-balancing strategy picks an endpoint) and prints the distribution: calls per
        tag set with share and bar, calls per endpoint, and the rule that matched (rules are numbered from 1 in the
        order written under routeRule.<service>, as in router.yaml errors). The registry comes from --pilot ADDRESS
        (with --xds, --timeout) or from --registry FILE.

        Every call carries the same headers, source and source tags, so all of them match the same rule; "rule" is that
        rule (should calls ever differ, the one most calls matched). A subset's count includes calls that found no
        endpoint with its tags; the endpoint counts add up to the calls that got one. --json prints
        {"service":...,"calls":N,"rule":{"number":R,"precedence":P} or null,"subsets":[{"tags":{...},"count":C}],
        "endpoints":[{"address":...,"port":...,"count":C}]}.

        Exit codes: 0 printed, 1 Pilot unreachable or no such service, 2 usage error or a bad router.yaml,
        DestinationRule or registry file (printed as FILE:LINE:COLUMN: reason).
        """)
    {
        MeshctlOptions.Value("service", "NAME[:PORT]", "The target: reviews, reviews.default or its host; :PORT when it has several ports.", required: true),
        MeshctlOptions.Namespace("The namespace of a bare name and of DestinationRules without one. Default default."),
        MeshctlOptions.Value("router", "FILE", "The go-chassis router.yaml with the routeRule section.", required: true),
        MeshctlOptions.Repeatable("destination-rules", "FILE", "Istio DestinationRules (their subsets' labels tag the subset endpoints)."),
        MeshctlOptions.Pilot("Take the registry from Pilot (see 'meshctl endpoints --help'); with --xds, --timeout.", required: false),
        MeshctlOptions.Xds(),
        MeshctlOptions.PilotSecurity(),
        MeshctlOptions.Timeout(),
        MeshctlOptions.Value("registry", "FILE", "Take the registry from a saved 'meshctl endpoints --json' document."),
        MeshctlOptions.Repeatable("header", "K=V", "A request header the rules' match.headers test."),
        MeshctlOptions.Value("source", "NAME", "The calling service, tested by match.source."),
        MeshctlOptions.Repeatable("source-tag", "K=V", "A tag of the calling service, tested by match.sourceTags."),
        MeshctlOptions.Value("calls", "N", "How many decisions to make. Default 1000."),
        MeshctlOptions.Flag("json", "Print the distribution as one JSON document."),
    };

    public async Task<int> RunAsync(CommandArguments arguments, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        RouteOptions options;
        try
        {
            options = RouteOptions.Read(arguments);
        }
        catch (UsageException e)
        {
            return CommandErrors.Usage(stderr, Name, e);
        }

        RouterRules rules;
        DestinationRuleSet destinationRules;
        try
        {
            rules = RouterRules.Load(options.RouterFile);
            destinationRules = DestinationRuleSet.Combine(options.DestinationRuleFiles.Select(file => DestinationRuleSet.Load(file, options.Namespace)).ToList());
        }
        catch (MeshConfigurationException e)
        {
            return CommandErrors.Configuration(stderr, e.Message);
        }

        RegistrySnapshot snapshot;
        string origin;
        if (options.RegistryFile is { } registryFile)
        {
            origin = $"the registry file {registryFile}";
            try
            {
                snapshot = RegistryJson.Read(registryFile, await File.ReadAllTextAsync(registryFile, cancellationToken));
            }
            catch (FormatException e)
            {
                return CommandErrors.Configuration(stderr, e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                return CommandErrors.Configuration(stderr, $"{registryFile}: cannot read the file: {e.Message}");
            }
        }
        else
        {
            origin = $"Pilot at {options.Pilot!.PilotAddress}";
            var loaded = await PilotRegistry.LoadAsync(_pilot, options.Pilot, Name, stderr, _announceWaits, cancellationToken);
            if (loaded is null)
            {
                return ExitCodes.Failure;
            }

            snapshot = loaded;
        }

        // A simulation: every rotation starts at its first endpoint, so the same input prints the same report.
        var router = new MeshRouter(new MeshRegistry(snapshot), rules, destinationRules, new MeshRouterOptions { DefaultNamespace = options.Namespace, RoundRobinStart = 0 });
        var request = new RouteRequest(options.Service.Name, options.Service.Port, options.Source, options.SourceTags);
        var headers = new DictionaryRouteHeaders(options.Headers);

        var first = router.Route(request, headers);
        if (first.Failure is RouteFailure.ServiceNotFound or RouteFailure.PortNotSpecified)
        {
            await stderr.WriteLineAsync($"meshctl {Name}: {RegistryServices.Describe(snapshot, options.Service, options.Namespace, origin)}");
            return ExitCodes.Failure;
        }

        var target = string.Create(CultureInfo.InvariantCulture, $"{options.Service} ({first.Service!.Host}:{first.Service.Port})");
        var distribution = new RouteDistribution();
        distribution.Add(first);
        for (var call = 1; call < options.Calls; call++)
        {
            if ((call & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            distribution.Add(router.Route(request, headers));
        }

        if (options.Json)
        {
            await stdout.WriteLineAsync(RouteReportJson.Write(options.Service.ToString(), distribution));
        }
        else
        {
            RouteReportText.Write(stdout, target, distribution);
        }

        return ExitCodes.Success;
    }
}
