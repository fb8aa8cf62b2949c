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
    public async Task Command_help_is_generated_from_its_definition(params string[] args)
    {
        var run = await CommandRun.RunAsync(Meshctl, args);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stderr);
        Assert.StartsWith("Description:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Make routing decisions as MeshClient does", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(run.StdoutLines, l => l.Trim() == "meshctl route [options]" || l.Trim().EndsWith(" route [options]", StringComparison.Ordinal));
        var route = Meshctl.Root.Subcommands.Single(c => c.Name == "route");
        Assert.All(route.Options.Where(o => !o.Hidden), option => Assert.Contains(run.StdoutLines, l => l.TrimStart().StartsWith(option.Name, StringComparison.Ordinal) || l.Contains(", " + option.Name, StringComparison.Ordinal)));
        Assert.Contains(run.StdoutLines, l => l.TrimStart().StartsWith("--service <NAME[:PORT]> (REQUIRED)", StringComparison.Ordinal));
        Assert.Contains("Exit codes: 0 printed, 1 Pilot unreachable or no such service, 2 usage error", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoints_help_documents_every_option()
    {
        var run = await CommandRun.RunAsync(Meshctl, "endpoints", "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--pilot <ADDRESS> (REQUIRED)", "--xds <v2|v3>", "--namespace <NS>", "--service <NAME[:PORT]>", "--timeout <SECONDS>", "--settle <SECONDS>", "--json" })
        {
            Assert.Contains("  " + option + " ", run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task No_command_is_a_usage_error_with_the_commands_on_stderr()
    {
        var run = await CommandRun.RunAsync(Meshctl);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.StartsWith("meshctl: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: meshctl COMMAND [OPTIONS]", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'proxy-config'", "proxy-config")]
    [InlineData("'nope'", "help", "nope")]
    [InlineData("'--json'", "version", "--json")]
    [InlineData("'fish'", "completion", "fish")]
    public async Task Unknown_commands_and_arguments_are_usage_errors(string token, params string[] args)
    {
        var run = await CommandRun.RunAsync(Meshctl, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.StartsWith(args.Length == 1 ? "meshctl: " : $"meshctl {args[0]}: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(run.Stderr.Split('\n'), l => l.StartsWith("meshctl", StringComparison.Ordinal) && l.Contains(token, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Route", "route")]
    [InlineData("endpoint", "endpoints")]
    [InlineData("versoin", "version")]
    public async Task A_mistyped_command_gets_did_you_mean(string typed, string suggested)
    {
        var run = await CommandRun.RunAsync(Meshctl, typed);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var lines = run.Stderr.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var didYouMean = lines.FindIndex(l => l.StartsWith($"'{typed}' was not matched. Did you mean", StringComparison.Ordinal));
        Assert.True(didYouMean >= 0, run.ToString());
        Assert.Equal(suggested, lines[didYouMean + 1]);
    }

    [Theory]
    [InlineData("route", "--sevice", "--service")]
    [InlineData("route", "--destination-rule", "--destination-rules")]
    [InlineData("endpoints", "--settel", "--settle")]
    public async Task A_mistyped_option_gets_did_you_mean_and_exits_2(string command, string typed, string suggested)
    {
        var run = await CommandRun.RunAsync(Meshctl, command, typed, "x");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var lines = run.Stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        Assert.Contains($"meshctl {command}: Unrecognized command or argument '{typed}'.", lines);
        var didYouMean = lines.IndexOf($"'{typed}' was not matched. Did you mean one of the following?");
        Assert.True(didYouMean >= 0, run.ToString());
        Assert.Equal(suggested, lines[didYouMean + 1]);
        Assert.Equal($"Run 'meshctl {command} --help' for the options.", lines[^1]);
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
        Assert.StartsWith("meshctl route: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("'--service'", run.Stderr.Split('\n')[0], StringComparison.Ordinal);
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
