using System.Text.RegularExpressions;

namespace MeshClient.Tests;

/// <summary>
/// README.md's code blocks marked <c>&lt;!-- snippet: PATH --&gt;</c> are the files at PATH, character for character
/// (line endings aside), and those files belong to projects the solution builds; so every marked C# snippet compiles
/// as pasted. Every C# block must be marked, except in the sections listed in <see cref="UnmarkedSections"/>.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    /// <summary>Sections whose C# blocks are not (yet) kept as files: the gRPC section is being rewritten elsewhere.</summary>
    private static readonly string[] UnmarkedSections = ["### gRPC"];

    private static readonly string Root = FindRoot();

    [Fact]
    public void Marked_snippets_equal_their_files()
    {
        var snippets = Snippets();

        Assert.True(snippets.Count >= 7, $"only {snippets.Count} marked snippets in README.md");
        Assert.All(snippets, snippet =>
        {
            var file = Path.Combine(Root, snippet.Path);
            Assert.True(File.Exists(file), $"README.md line {snippet.Line}: {snippet.Path} does not exist");
            var expected = Normalize(File.ReadAllText(file));
            Assert.True(
                expected == snippet.Code,
                $"README.md line {snippet.Line}: the code block differs from {snippet.Path}; copy the file into the README (or the other way round).\n--- file\n{expected}\n--- README\n{snippet.Code}");
        });
    }

    [Fact]
    public void Every_csharp_block_is_marked()
    {
        var lines = ReadmeLines();
        var section = string.Empty;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#'))
            {
                section = lines[i];
            }

            if (lines[i].Trim() == "```csharp" && !UnmarkedSections.Contains(section))
            {
                Assert.True(i > 0 && SnippetMarker().IsMatch(lines[i - 1]), $"README.md line {i + 1} ({section}): a C# block without a '<!-- snippet: PATH -->' marker");
            }
        }
    }

    [Fact]
    public void Snippet_sources_are_built_by_the_solution()
    {
        var solution = File.ReadAllText(Path.Combine(Root, "MeshClient.sln")).Replace('\\', '/');
        foreach (var snippet in Snippets().Where(s => s.Path.EndsWith(".cs", StringComparison.Ordinal)))
        {
            var directory = new DirectoryInfo(Path.GetDirectoryName(Path.Combine(Root, snippet.Path))!);
            var project = directory.GetFiles("*.csproj").SingleOrDefault();
            Assert.True(project is not null, $"{snippet.Path} has no project next to it");
            var relative = Path.GetRelativePath(Root, project.FullName).Replace('\\', '/');
            Assert.Contains($"\"{relative}\"", solution, StringComparison.Ordinal);
        }
    }

    private static List<Snippet> Snippets()
    {
        var lines = ReadmeLines();
        var snippets = new List<Snippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            var marker = SnippetMarker().Match(lines[i]);
            if (!marker.Success)
            {
                continue;
            }

            Assert.True(i + 1 < lines.Length && lines[i + 1].StartsWith("```", StringComparison.Ordinal), $"README.md line {i + 1}: a snippet marker not followed by a code block");
            var end = Array.FindIndex(lines, i + 2, l => l.TrimEnd() == "```");
            Assert.True(end > 0, $"README.md line {i + 2}: the code block is not closed");
            snippets.Add(new Snippet(marker.Groups["path"].Value, i + 2, string.Join('\n', lines[(i + 2)..end])));
        }

        return snippets;
    }

    private static string[] ReadmeLines() => Normalize(File.ReadAllText(Path.Combine(Root, "README.md"))).Split('\n');

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n');

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MeshClient.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("MeshClient.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^<!-- snippet: (?<path>\S+) -->$")]
    private static partial Regex SnippetMarker();

    private sealed record Snippet(string Path, int Line, string Code);
}
