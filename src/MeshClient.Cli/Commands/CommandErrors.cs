namespace MeshClient.Cli.Commands;

/// <summary>How commands report errors on stderr.</summary>
internal static class CommandErrors
{
    /// <summary>Prints a usage error with a pointer to the command's help; returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int Usage(TextWriter stderr, string command, UsageException error)
    {
        stderr.WriteLine($"meshctl {command}: {error.Message}");
        stderr.WriteLine($"Run 'meshctl {command} --help' for the options.");
        return ExitCodes.Usage;
    }

    /// <summary>Prints a configuration error as it is (<c>FILE:LINE:COLUMN: reason</c>); returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int Configuration(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        return ExitCodes.Usage;
    }
}
