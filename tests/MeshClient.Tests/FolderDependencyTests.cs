using System.Text.RegularExpressions;

namespace MeshClient.Tests;

/// <summary>
/// The folders of src/MeshClient show how data flows: Xds -> Registry -> Routing -> LoadBalancing -> Diagnostics ->
/// Resilience -> Http -> Grpc -> DependencyInjection, and no folder imports one to its right. Pinned here for the
/// feature folders the HTTP handler hands its work to (Diagnostics, Resilience), read from the real source files.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private static readonly string Source = Path.Combine(FindRoot(), "src", "MeshClient");

    [Theory]
    [InlineData("Diagnostics", "Resilience", "Http", "Grpc", "DependencyInjection")]
    [InlineData("Resilience", "Http", "Grpc", "DependencyInjection")]
    public void A_feature_folder_imports_no_folder_to_its_right(string folder, params string[] forbidden)
    {
        var files = Directory.GetFiles(Path.Combine(Source, folder), "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        var violations = (
            from file in files
            from line in File.ReadLines(file).Select((text, index) => (Text: text, Number: index + 1))
            from match in NamespaceReference().Matches(line.Text)
            where forbidden.Contains(match.Groups["folder"].Value)
            select $"{Path.GetRelativePath(Source, file)}:{line.Number}: {line.Text.Trim()}").ToList();

        Assert.True(violations.Count == 0, $"{folder} must not import {string.Join(", ", forbidden)}:\n{string.Join("\n", violations)}");
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MeshClient.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("MeshClient.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\bMeshClient\.(?<folder>[A-Za-z]+)\b")]
    private static partial Regex NamespaceReference();
}
