using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;

namespace MeshClient.Cli.Commands;

/// <summary>
/// meshctl's entry on System.CommandLine: the root command with meshctl's commands plus <c>help [COMMAND]</c>,
/// <c>version</c> and <c>completion SHELL</c>. Help comes from the definitions; a mistyped command or option gets
/// "did you mean"; every usage error exits 2 with the message on stderr.
/// </summary>
internal sealed class CommandLine
{
    private readonly RootCommand _root;

    /// <summary>Creates the command line with meshctl's commands.</summary>
    /// <param name="pilot">Loads the registry from Pilot; <see langword="null"/> in a build without a Pilot connection.</param>
    /// <param name="announceWaits">Say on stderr while waiting for Pilot; meshctl does when stderr is a terminal.</param>
    public CommandLine(IRegistrySource? pilot, bool announceWaits = false)
        : this([new EndpointsCommand(pilot, announceWaits), new RouteCommand(pilot, announceWaits)])
    {
    }

    internal CommandLine(IReadOnlyList<IMeshctlCommand> commands)
    {
        _root = new RootCommand("meshctl: diagnostics for MeshClient and Istio Pilot.");
        foreach (var command in commands)
        {
            var definition = command.Define();
            definition.SetAction((result, token) => command.RunAsync(
                new CommandArguments(result),
                result.InvocationConfiguration.Output,
                result.InvocationConfiguration.Error,
                token));
            _root.Subcommands.Add(definition);
        }

        _root.Subcommands.Add(VersionCommand());
        _root.Subcommands.Add(CompletionScripts.Command());
        _root.Subcommands.Add(HelpCommand());
        foreach (var help in _root.Options.OfType<HelpOption>())
        {
            help.Action = new CommandOverview(help.Action!);
        }

        foreach (var option in _root.Options.OfType<VersionOption>())
        {
            // System.CommandLine's --version prints the informational version with the source revision; meshctl's says "meshctl 0.1.0".
            option.Action = new PrintVersion();
        }
    }

    /// <summary>meshctl's version, from the assembly's informational version (without the source revision).</summary>
    public static string Version
    {
        get
        {
            var version = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 ? version[..plus] : version;
        }
    }

    /// <summary>The root command, for tests that look at the definitions.</summary>
    internal RootCommand Root => _root;

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var result = _root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            return UsageErrors.Write(result, stderr);
        }

        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,

            // Program cancels the token on Ctrl+C; exceptions are bugs and should surface as such.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await result.InvokeAsync(configuration, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"meshctl {result.CommandResult.Command.Name}: cancelled.");
            return ExitCodes.Failure;
        }
    }

    private static Command VersionCommand()
    {
        var command = new Command("version", "Print meshctl's version.");
        command.SetAction(result =>
        {
            result.InvocationConfiguration.Output.WriteLine($"meshctl {Version}");
            return ExitCodes.Success;
        });
        return command;
    }

    private Command HelpCommand()
    {
        var name = new Argument<string>("COMMAND") { Description = "The command to explain.", Arity = ArgumentArity.ZeroOrOne };
        var commands = _root.Subcommands.Select(c => c.Name).ToArray();
        name.AcceptOnlyFromAmong(commands);
        var command = new Command("help", "Print this help; 'meshctl help COMMAND' or 'meshctl COMMAND --help' for a command's.") { name };
        command.SetAction(result =>
        {
            // The same text as 'meshctl COMMAND --help', from the definitions.
            string[] helpArgs = result.GetValue(name) is { } commandName ? [commandName, "--help"] : ["--help"];
            return _root.Parse(helpArgs).Invoke(result.InvocationConfiguration);
        });
        return command;
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine($"meshctl {Version}");
            return ExitCodes.Success;
        }
    }
}
