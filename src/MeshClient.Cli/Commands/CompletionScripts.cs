using System.CommandLine;

namespace MeshClient.Cli.Commands;

/// <summary>
/// <c>meshctl completion bash|zsh|pwsh</c>: prints a script that makes the shell complete meshctl's commands, options
/// and values by asking meshctl itself through System.CommandLine's <c>[suggest:POSITION]</c> directive.
/// </summary>
internal static class CompletionScripts
{
    /// <summary>The shells meshctl prints a completion script for.</summary>
    public static readonly string[] Shells = ["bash", "zsh", "pwsh"];

    public static Command Command()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or pwsh." };
        shell.AcceptOnlyFromAmong(Shells);
        var command = new Command("completion", """
            Print a shell completion script for meshctl: bash, zsh or pwsh.

            Load it in the current shell with  source <(meshctl completion bash)  (bash, zsh) or
            meshctl completion pwsh | Out-String | Invoke-Expression  (PowerShell), or add that line to the shell's
            profile. The script asks meshctl for completions with System.CommandLine's [suggest] directive.
            """)
        {
            shell,
        };
        command.SetAction(result =>
        {
            result.InvocationConfiguration.Output.Write(Script(result.GetValue(shell)!));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The completion script for <paramref name="shell"/> (one of <see cref="Shells"/>).</summary>
    public static string Script(string shell) => (shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "pwsh" => PowerShell,
        _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "expected bash, zsh or pwsh"),
    }).ReplaceLineEndings("\n");

    private const string Bash = """
        # meshctl completion for bash: source <(meshctl completion bash)
        _meshctl_complete() {
            local IFS=$'\n'
            local candidates
            candidates=$(meshctl "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
            COMPREPLY=($(compgen -W "${candidates}" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _meshctl_complete meshctl

        """;

    private const string Zsh = """
        # meshctl completion for zsh: source <(meshctl completion zsh)
        _meshctl_complete() {
            local line="${words[*]}"
            local -a candidates
            candidates=(${(f)"$(meshctl "[suggest:${#line}]" "${line}" 2>/dev/null)"})
            compadd -a candidates
        }
        compdef _meshctl_complete meshctl

        """;

    private const string PowerShell = """
        # meshctl completion for PowerShell: meshctl completion pwsh | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName meshctl -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $line = $commandAst.ToString()
            $position = $cursorPosition - $commandAst.Extent.StartOffset
            if ($position -gt $line.Length) { $line = $line.PadRight($position) }
            meshctl "[suggest:$position]" "$line" 2>$null | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }

        """;
}
