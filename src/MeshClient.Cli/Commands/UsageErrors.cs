using System.CommandLine;
using System.CommandLine.Invocation;

namespace MeshClient.Cli.Commands;

/// <summary>
/// Prints what System.CommandLine found wrong with a command line: each error as <c>meshctl COMMAND: message</c>, the
/// "did you mean" suggestions for mistyped commands and options, and where the help is; exits 2.
/// </summary>
internal static class UsageErrors
{
    public static int Write(ParseResult result, TextWriter stderr)
    {
        var command = result.CommandResult.Command;
        var prefix = command is RootCommand ? "meshctl" : $"meshctl {command.Name}";
        foreach (var error in result.Errors)
        {
            stderr.WriteLine($"{prefix}: {error.Message}");
        }

        // System.CommandLine's own "did you mean" for the tokens it did not match (it writes them to its Output);
        // the error lines are written above already, so its Error goes nowhere.
        if (result.Action is ParseErrorAction action)
        {
            action.ShowHelp = false;
            action.ShowTypoCorrections = true;
            result.Invoke(new InvocationConfiguration { Output = stderr, Error = TextWriter.Null, EnableDefaultExceptionHandler = false });
        }

        if (command is RootCommand root)
        {
            stderr.WriteLine();
            stderr.Write(CommandOverview.Text(root));
        }
        else
        {
            stderr.WriteLine($"Run 'meshctl {command.Name} --help' for the options.");
        }

        return ExitCodes.Usage;
    }
}
