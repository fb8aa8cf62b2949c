using MeshClient.Cli.Commands;

namespace MeshClient.Cli.Tests.Commands;

/// <summary>What a command printed and returned.</summary>
internal sealed record CommandRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<CommandRun> RunAsync(IMeshctlCommand command, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await new CommandLine([command]).RunAsync([command.Name, .. args], stdout, stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return new CommandRun(exit, stdout.ToString(), stderr.ToString());
    }

    public static async Task<CommandRun> RunAsync(CommandLine commandLine, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await commandLine.RunAsync(args, stdout, stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return new CommandRun(exit, stdout.ToString(), stderr.ToString());
    }

    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}
