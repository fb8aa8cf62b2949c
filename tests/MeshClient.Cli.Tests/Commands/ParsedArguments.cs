using System.CommandLine;
using MeshClient.Cli.Commands;

namespace MeshClient.Cli.Tests.Commands;

/// <summary>Parses a command line with a test command's options (as meshctl's commands define them) into <see cref="CommandArguments"/>.</summary>
internal static class ParsedArguments
{
    public static Command Definition() => new("test")
    {
        MeshctlOptions.Value("service", "NAME", "service"),
        MeshctlOptions.Repeatable("header", "K=V", "header"),
        MeshctlOptions.Value("timeout", "SECONDS", "timeout"),
        MeshctlOptions.Value("calls", "N", "calls"),
        MeshctlOptions.Namespace("namespace"),
        MeshctlOptions.Flag("json", "json"),
    };

    public static CommandArguments Parse(params string[] args)
    {
        var result = Definition().Parse(args);
        Assert.True(result.Errors.Count == 0, string.Join("; ", result.Errors.Select(e => e.Message)));
        return new CommandArguments(result);
    }

    public static IReadOnlyList<string> Errors(params string[] args) => Definition().Parse(args).Errors.Select(e => e.Message).ToList();
}
