using System.CommandLine;

namespace MeshClient.Cli.Commands;

/// <summary>Builds the options meshctl's commands share, so their names, value names and completions agree.</summary>
internal static class MeshctlOptions
{
    /// <summary>An option with one value, shown in help as <c>--name VALUE</c>.</summary>
    public static Option<string> Value(string name, string valueName, string description, bool required = false) =>
        NoOptionAsValue(new Option<string>("--" + name) { HelpName = valueName, Description = description, Required = required });

    /// <summary>An option that may be given several times, one value each time.</summary>
    public static Option<string[]> Repeatable(string name, string valueName, string description) =>
        NoOptionAsValue(new Option<string[]>("--" + name)
        {
            HelpName = valueName,
            Description = description + " Repeatable.",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        });

    /// <summary>
    /// System.CommandLine gives an option the next token as its value even when that token is another option
    /// (<c>--router --registry x.json</c>); no meshctl value starts with <c>--</c>, so that is the missing value it looks like.
    /// </summary>
    private static T NoOptionAsValue<T>(T option)
        where T : Option
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(t => t.Value.StartsWith("--", StringComparison.Ordinal)) is { } token)
            {
                result.AddError($"option '{option.Name}' needs a value, not the option '{token.Value}'");
            }
        });
        return option;
    }

    /// <summary>An option without a value.</summary>
    public static Option<bool> Flag(string name, string description) => new("--" + name) { Description = description };

    /// <summary><c>--pilot</c>: Pilot's address.</summary>
    public static Option<string> Pilot(string description, bool required) => Value("pilot", "ADDRESS", description, required);

    /// <summary><c>--xds</c>, completing to v2 and v3.</summary>
    public static Option<string> Xds()
    {
        var option = Value("xds", "v2|v3", "The xDS API version: v2 for Pilot 1.0 to 1.7, v3 for istiod 1.8 and later. Default v3.");
        option.CompletionSources.Add("v2", "v3");
        return option;
    }

    /// <summary><c>--namespace</c>.</summary>
    public static Option<string> Namespace(string description) => Value("namespace", "NS", description);

    /// <summary>The TLS and token options of the connection to Pilot (<see cref="PilotSecurity"/>).</summary>
    public static IEnumerable<Option> PilotSecurity() =>
    [
        Value("ca-file", "FILE", "With an https:// --pilot: the PEM CA bundle Pilot's certificate must chain to (in a pod: /var/run/secrets/istio/root-cert.pem). Default the system's CAs."),
        Value("server-name", "NAME", "With an https:// --pilot: the name Pilot's certificate must carry, such as istiod.istio-system.svc. Default the --pilot host."),
        Value("cert-file", "FILE", "With an https:// --pilot: a PEM client certificate for mutual TLS, with --key-file."),
        Value("key-file", "FILE", "The PEM private key of --cert-file."),
        Value("token-file", "FILE", "With an https:// or unix:// --pilot: the file of the bearer token sent to Pilot (in a pod: /var/run/secrets/tokens/istio-token)."),
    ];

    /// <summary>Adds several options in a command's collection initializer.</summary>
    public static void Add(this Command command, IEnumerable<Option> options)
    {
        foreach (var option in options)
        {
            command.Options.Add(option);
        }
    }

    /// <summary><c>--timeout</c>.</summary>
    public static Option<string> Timeout() =>
        Value("timeout", "SECONDS", "How long to wait for Pilot's first complete CDS+EDS state. Default 10.");
}
