using System.CommandLine;

namespace MeshClient.Cli.Commands;

/// <summary>
/// One meshctl command (<c>meshctl NAME ...</c>): its System.CommandLine definition (options, help text, completions)
/// and what it does with the parsed options. Output goes to the given writers, so tests run it in process.
/// </summary>
internal interface IMeshctlCommand
{
    /// <summary>The word after <c>meshctl</c>.</summary>
    string Name { get; }

    /// <summary>The command's definition; <see cref="CommandLine"/> sets its action.</summary>
    Command Define();

    /// <summary>Runs the command with the options parsed from its definition.</summary>
    /// <param name="arguments">The parsed options.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="cancellationToken">Stops the command (Ctrl+C).</param>
    /// <returns>The exit code, one of <see cref="ExitCodes"/>.</returns>
    Task<int> RunAsync(CommandArguments arguments, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken);
}
