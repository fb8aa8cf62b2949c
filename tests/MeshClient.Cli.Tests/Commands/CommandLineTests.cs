using System.Diagnostics;
using MeshClient.Cli.Commands;

namespace MeshClient.Cli.Tests.Commands;

public sealed class CommandLineTests
{
    private static readonly CommandLine Meshctl = new(pilot: null);

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_lists_every_command_on_stdout(string argument)
    {
        var run = await CommandRun.RunAsync(Meshctl, argument);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stderr);
        Assert.Contains(run.StdoutLines, l => l.StartsWith("  endpoints  ", StringComparison.Ordinal));
        Assert.Contains(run.StdoutLines, l => l.StartsWith("  route  ", StringComparison.Ordinal));
        Assert.Contains(run.StdoutLines, l => l.StartsWith("  version  ", StringComparison.Ordinal));
        Assert.Contains("Exit codes: 0 success, 1 runtime failure", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help", "route")]
    [InlineData("route", "--help")]
    [InlineData("route", "--service", "reviews", "-h")]
    public async Task Command_help_prints_its_usage(params string[] args)
    {
        var run = await CommandRun.RunAsync(Meshctl, args);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Usage: meshctl route --service NAME[:PORT]", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task Endpoints_help_documents_every_option()
    {
        var run = await CommandRun.RunAsync(Meshctl, "endpoints", "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--pilot", "--xds", "--namespace", "--service", "--timeout", "--settle", "--json" })
        {
            Assert.Contains("  " + option + " ", run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task No_command_is_a_usage_error_with_the_usage_on_stderr()
    {
        var run = await CommandRun.RunAsync(Meshctl);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.StartsWith("meshctl: a command is missing.", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: meshctl COMMAND [OPTIONS]", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("meshctl: unknown command 'proxy-config'.", "proxy-config")]
    [InlineData("meshctl: unknown command 'Route'.", "Route")]
    [InlineData("meshctl help: unknown command 'nope'.", "help", "nope")]
    [InlineData("meshctl version: unexpected argument '--json'", "version", "--json")]
    public async Task Unknown_commands_are_usage_errors(string message, params string[] args)
    {
        var run = await CommandRun.RunAsync(Meshctl, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.StartsWith(message, run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("--version")]
    public async Task Version_prints_the_package_version(string argument)
    {
        var run = await CommandRun.RunAsync(Meshctl, argument);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("meshctl 0.1.0", run.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Commands_get_the_arguments_after_their_name()
    {
        var run = await CommandRun.RunAsync(Meshctl, "route", "--service");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("meshctl route: option '--service' needs a value", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_wait_for_pilot_exits_1()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new FakeRegistrySource(async (_, token) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });
        using var cancellation = new CancellationTokenSource();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var running = new CommandLine(source).RunAsync(["endpoints", "--pilot", "grpc://pilot:15010"], stdout, stderr, cancellation.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();
        var exit = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, exit);
        Assert.Equal("meshctl endpoints: cancelled.", stderr.ToString().TrimEnd());
        Assert.Empty(stdout.ToString());
    }

    [Theory]
    [InlineData(0, "version")]
    [InlineData(2, "route")]
    [InlineData(2)]
    public async Task The_meshctl_executable_returns_the_exit_code(int expected, params string[] args)
    {
        var meshctl = Path.Combine(AppContext.BaseDirectory, "meshctl.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(meshctl);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(expected == process.ExitCode, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Equal(expected == 0, (await stderr).Length == 0);
    }
}
