namespace MeshClient.Cli.Commands;

/// <summary>The validated options of <c>meshctl route</c>.</summary>
internal sealed record RouteOptions(
    ServiceArgument Service,
    string Namespace,
    string RouterFile,
    IReadOnlyList<string> DestinationRuleFiles,
    EndpointsRequest? Pilot,
    string? RegistryFile,
    IReadOnlyDictionary<string, string> Headers,
    string? Source,
    IReadOnlyDictionary<string, string>? SourceTags,
    int Calls,
    bool Json)
{
    /// <summary>Validates the parsed options.</summary>
    /// <exception cref="UsageException">A required option is missing, options conflict, or a value is malformed.</exception>
    public static RouteOptions Read(CommandArguments arguments)
    {
        var service = ServiceArgument.Parse(arguments.Required("service"));
        var ns = PilotArguments.Namespace(arguments);
        var routerFile = NonEmpty("router", arguments.Required("router"));
        var destinationRules = arguments.Values("destination-rules").Select(file => NonEmpty("destination-rules", file)).ToList();

        var hasPilot = arguments.Value("pilot") is not null;
        var registryFile = arguments.Value("registry");
        if (hasPilot == (registryFile is not null))
        {
            throw new UsageException(hasPilot
                ? "give either '--pilot' or '--registry', not both"
                : "the registry is missing: give '--pilot ADDRESS' or '--registry FILE'");
        }

        EndpointsRequest? pilot = null;
        if (hasPilot)
        {
            pilot = PilotArguments.Read(arguments);
        }
        else
        {
            foreach (var pilotOnly in new[] { "xds", "timeout" })
            {
                if (arguments.Has(pilotOnly))
                {
                    throw new UsageException($"option '--{pilotOnly}' applies to '--pilot' only");
                }
            }

            NonEmpty("registry", registryFile!);
        }

        // Header names are case-insensitive: a later --header with the same name in other case replaces the earlier one.
        var headers = arguments.Pairs("header", StringComparer.OrdinalIgnoreCase);

        var source = arguments.Value("source");
        if (source is { Length: 0 })
        {
            throw new UsageException("option '--source' must name the calling service");
        }

        var sourceTags = arguments.Pairs("source-tag");
        return new RouteOptions(
            service,
            ns,
            routerFile,
            destinationRules,
            pilot,
            registryFile,
            headers,
            source,
            sourceTags.Count == 0 ? null : sourceTags,
            arguments.PositiveInt("calls", RouteCommand.DefaultCalls),
            arguments.Flag("json"));
    }

    private static string NonEmpty(string name, string value) =>
        value.Length > 0 ? value : throw new UsageException($"option '--{name}' needs a file name");
}
