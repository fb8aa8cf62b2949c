using MeshClient.Cli.Commands;

namespace MeshClient.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C stops the command cleanly; a second one ends the process.
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };

        // --pilot reads the state with the real ADS client; a person at a terminal is told while meshctl waits for it.
        IRegistrySource pilot = new PilotRegistrySource();
        var commandLine = new CommandLine(pilot, announceWaits: !Console.IsErrorRedirected);
        return await commandLine.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
    }
}
