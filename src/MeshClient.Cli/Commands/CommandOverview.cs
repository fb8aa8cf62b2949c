using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text;

namespace MeshClient.Cli.Commands;

/// <summary>
/// <c>meshctl --help</c>: one line per command (the first line of its description) and the exit codes, built from the
/// definitions; a command's own <c>--help</c> goes to System.CommandLine's help.
/// </summary>
internal sealed class CommandOverview(CommandLineAction commandHelp) : SynchronousCommandLineAction
{
    /// <summary>The overview of <paramref name="root"/>'s commands.</summary>
    public static string Text(RootCommand root)
    {
        var text = new StringBuilder();
        text.AppendLine(FirstLine(root.Description));
        text.AppendLine();
        text.AppendLine("Usage: meshctl COMMAND [OPTIONS]");
        text.AppendLine();
        text.AppendLine("Commands:");
        var commands = root.Subcommands.Where(c => !c.Hidden).ToList();
        var width = commands.Max(c => c.Name.Length) + 2;
        foreach (var command in commands)
        {
            text.Append("  ").Append(command.Name.PadRight(width)).AppendLine(FirstLine(command.Description));
        }

        text.AppendLine();
        text.AppendLine("Run 'meshctl COMMAND --help' for a command's options.");
        text.AppendLine("Exit codes: 0 success, 1 runtime failure (Pilot unreachable, no such service), 2 usage or configuration error.");
        return text.ToString();
    }

    public override int Invoke(ParseResult parseResult)
    {
        if (parseResult.CommandResult.Command is RootCommand root)
        {
            parseResult.InvocationConfiguration.Output.Write(Text(root));
            return ExitCodes.Success;
        }

        return commandHelp is SynchronousCommandLineAction synchronous
            ? synchronous.Invoke(parseResult)
            : throw new InvalidOperationException("System.CommandLine's help action is expected to be synchronous.");
    }

    private static string FirstLine(string? description)
    {
        var text = description ?? string.Empty;
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline >= 0 ? text[..newline] : text;
    }
}
