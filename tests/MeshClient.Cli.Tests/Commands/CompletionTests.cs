using System.Diagnostics;
using MeshClient.Cli.Commands;

namespace MeshClient.Cli.Tests.Commands;

public sealed class CompletionTests
{
    private static readonly CommandLine Meshctl = new(pilot: null);

    private static async Task<string[]> Suggest(string line)
    {
        var run = await CommandRun.RunAsync(Meshctl, $"[suggest:{line.Length}]", line);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.StdoutLines;
    }

    [Fact]
    public async Task Suggest_directive_completes_commands()
    {
        Assert.Equal(["route"], await Suggest("rou"));
        Assert.Equal(["completion"], await Suggest("comp"));
    }

    [Fact]
    public async Task Suggest_directive_completes_a_commands_options()
    {
        var options = await Suggest("route --");

        foreach (var option in new[] { "--service", "--router", "--destination-rules", "--registry", "--pilot", "--header", "--calls", "--json" })
        {
            Assert.Contains(option, options);
        }

        Assert.DoesNotContain("--settle", options);
        Assert.Equal(["--server-name", "--service", "--settle"], await Suggest("endpoints --se"));
    }

    [Fact]
    public async Task Suggest_directive_completes_values_it_knows()
    {
        Assert.Equal(["v2", "v3"], (await Suggest("endpoints --xds ")).Where(s => !s.StartsWith('-') && !s.StartsWith('/')).ToArray());
        Assert.Equal(["bash", "pwsh", "zsh"], (await Suggest("completion ")).Where(s => !s.StartsWith('-') && !s.StartsWith('/')).ToArray());
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _meshctl_complete meshctl")]
    [InlineData("zsh", "compdef _meshctl_complete meshctl")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName meshctl")]
    public async Task Completion_prints_a_script_that_asks_the_suggest_directive(string shell, string registration)
    {
        var run = await CommandRun.RunAsync(Meshctl, "completion", shell);

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stderr);
        Assert.Contains(registration, run.Stdout, StringComparison.Ordinal);
        Assert.Contains("meshctl \"[suggest:", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(CompletionScripts.Script(shell), run.Stdout);
    }

    [Fact]
    public async Task Bash_script_completes_through_the_real_executable()
    {
        // A real bash sources the printed script and runs its completion function against the meshctl executable.
        using var directory = new TempDirectory();
        var meshctl = Path.Combine(AppContext.BaseDirectory, "meshctl.dll");
        var script = directory.Write("meshctl.bash", CompletionScripts.Script("bash"));
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($$"""
            meshctl() { dotnet "{{meshctl}}" "$@"; }
            source "{{script}}"
            COMP_LINE='meshctl route --desti'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(meshctl route --desti); COMP_CWORD=2
            _meshctl_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal("--destination-rules", (await stdout).Trim());
    }

    [Fact]
    public async Task Waiting_for_pilot_is_announced_on_stderr_when_asked()
    {
        var source = new FakeRegistrySource(MeshctlFixtures.SeedSnapshot());
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await new CommandLine(source, announceWaits: true).RunAsync(["endpoints", "--pilot", "grpc://pilot:15010", "--timeout", "3", "--settle", "1"], stdout, stderr, CancellationToken.None);
        var quiet = await CommandRun.RunAsync(new CommandLine(source), "endpoints", "--pilot", "grpc://pilot:15010");

        Assert.Equal(0, exit);
        Assert.Equal("meshctl endpoints: waiting for Pilot at grpc://pilot:15010 (up to 3 s, then 1 s more)...", stderr.ToString().TrimEnd());
        Assert.Equal(0, quiet.ExitCode);
        Assert.Empty(quiet.Stderr);
    }
}
