using System.Reflection;
using System.Text;

namespace MeshClient.Cli.Commands;

/// <summary>
/// meshctl's entry: picks the command from the first argument, answers <c>--help</c>, <c>help [COMMAND]</c> and
/// <c>version</c>, and runs the command with the rest of the arguments.
/// </summary>
internal sealed class CommandLine
{
    private readonly IReadOnlyList<IMeshctlCommand> _commands;

    /// <summary>Creates the command line with meshctl's commands.</summary>
    /// <param name="pilot">Loads the registry from Pilot; <see langword="null"/> in a build without a Pilot connection.</param>
    public CommandLine(IRegistrySource? pilot)
        : this([new EndpointsCommand(pilot), new RouteCommand(pilot)])
    {
    }

    internal CommandLine(IReadOnlyList<IMeshctlCommand> commands)
    {
        _commands = commands;
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

    /// <summary>The text of <c>meshctl --help</c>.</summary>
    public string Usage
    {
        get
        {
            var text = new StringBuilder();
            text.AppendLine("meshctl: diagnostics for MeshClient and Istio Pilot.");
            text.AppendLine();
            text.AppendLine("Usage: meshctl COMMAND [OPTIONS]");
            text.AppendLine();
            text.AppendLine("Commands:");
            var width = Math.Max("version".Length, _commands.Max(c => c.Name.Length)) + 2;
            foreach (var command in _commands)
            {
                text.Append("  ").Append(command.Name.PadRight(width)).AppendLine(command.Summary);
            }

            text.Append("  ").Append("version".PadRight(width)).AppendLine("Print meshctl's version.");
            text.Append("  ").Append("help".PadRight(width)).AppendLine("Print this help; 'meshctl help COMMAND' or 'meshctl COMMAND --help' for a command's.");
            text.AppendLine();
            text.AppendLine("Exit codes: 0 success, 1 runtime failure (Pilot unreachable, no such service), 2 usage or configuration error.");
            return text.ToString();
        }
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        if (args.Count == 0)
        {
            await stderr.WriteLineAsync("meshctl: a command is missing.");
            await stderr.WriteAsync(Usage);
            return ExitCodes.Usage;
        }

        var name = args[0];
        var rest = args.Skip(1).ToList();
        switch (name)
        {
            case "--help" or "-h":
                await stdout.WriteAsync(Usage);
                return ExitCodes.Success;
            case "help":
                return await HelpAsync(rest, stdout, stderr);
            case "version" or "--version":
                if (rest.Count > 0)
                {
                    await stderr.WriteLineAsync($"meshctl version: unexpected argument '{rest[0]}'");
                    return ExitCodes.Usage;
                }

                await stdout.WriteLineAsync($"meshctl {Version}");
                return ExitCodes.Success;
        }

        var command = Find(name);
        if (command is null)
        {
            await stderr.WriteLineAsync($"meshctl: unknown command '{name}'.");
            await stderr.WriteAsync(Usage);
            return ExitCodes.Usage;
        }

        if (rest.Any(a => a is "--help" or "-h"))
        {
            await stdout.WriteLineAsync(command.Usage);
            return ExitCodes.Success;
        }

        try
        {
            return await command.RunAsync(rest, stdout, stderr, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"meshctl {name}: cancelled.");
            return ExitCodes.Failure;
        }
    }

    private async Task<int> HelpAsync(List<string> rest, TextWriter stdout, TextWriter stderr)
    {
        if (rest.Count == 0)
        {
            await stdout.WriteAsync(Usage);
            return ExitCodes.Success;
        }

        if (Find(rest[0]) is { } command && rest.Count == 1)
        {
            await stdout.WriteLineAsync(command.Usage);
            return ExitCodes.Success;
        }

        await stderr.WriteLineAsync($"meshctl help: unknown command '{string.Join(' ', rest)}'.");
        await stderr.WriteAsync(Usage);
        return ExitCodes.Usage;
    }

    private IMeshctlCommand? Find(string name) => _commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}
