namespace MeshClient.Cli.Commands;

/// <summary>One meshctl command (<c>meshctl NAME ...</c>). Output goes to the given writers, so tests run it in process.</summary>
internal interface IMeshctlCommand
{
    /// <summary>The word after <c>meshctl</c>.</summary>
    string Name { get; }

    /// <summary>One line for the command list of <c>meshctl --help</c>.</summary>
    string Summary { get; }

    /// <summary>The full usage text of <c>meshctl NAME --help</c>.</summary>
    string Usage { get; }

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="cancellationToken">Stops the command (Ctrl+C).</param>
    /// <returns>The exit code, one of <see cref="ExitCodes"/>.</returns>
    Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken);
}
