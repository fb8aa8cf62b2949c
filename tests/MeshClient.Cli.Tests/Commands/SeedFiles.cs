namespace MeshClient.Cli.Tests.Commands;

/// <summary>The paths of the seed example's files.</summary>
internal sealed record SeedFiles(string Router, string DestinationRules, string Registry);
