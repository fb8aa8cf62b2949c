namespace MeshClient.Cli.Output;

/// <summary>A column of a <see cref="TextTable"/>.</summary>
/// <param name="Header">The header text (upper case by convention).</param>
/// <param name="AlignRight">Whether cells are right-aligned (numbers).</param>
internal readonly record struct TextColumn(string Header, bool AlignRight = false);
