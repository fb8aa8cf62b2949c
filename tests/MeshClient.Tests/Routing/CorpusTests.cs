using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>
/// Every bad file in Routing/Corpus must fail with exactly the message in its .expected sidecar,
/// <c>FILE:LINE:COLUMN: reason</c>. Files named dr-*.yaml are DestinationRule manifests, the others router.yaml.
/// </summary>
public sealed class CorpusTests
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Routing", "Corpus");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusDirectory, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Corpus_has_at_least_twelve_cases_each_with_an_expected_message()
    {
        var files = Directory.GetFiles(CorpusDirectory, "*.yaml");
        Assert.True(files.Length >= 12, $"{files.Length} files");
        Assert.All(files, f => Assert.True(File.Exists(Path.ChangeExtension(f, ".expected")), f));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Bad_file_fails_with_its_expected_message(string name)
    {
        var path = Path.Combine(CorpusDirectory, name);
        var expected = File.ReadAllText(Path.ChangeExtension(path, ".expected")).TrimEnd('\n', '\r');
        var text = File.ReadAllText(path);
        var error = Assert.Throws<MeshConfigurationException>(() =>
        {
            if (name.StartsWith("dr-", StringComparison.Ordinal))
            {
                DestinationRuleSet.Parse(text, name);
            }
            else
            {
                RouterRules.Parse(text, name);
            }
        });
        Assert.Equal(expected, error.Message);
        Assert.Equal(name, error.File);
        Assert.Equal($"{error.File}:{error.Line}:{error.Column}: {error.Reason}", error.Message);
    }
}
