using System.Text.RegularExpressions;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Docs;

/// <summary>The docs show code from the source files themselves (pymdownx.snippets), never a copy that can drift.</summary>
public sealed partial class CodeSamplesTests
{
    [Fact]
    public void Should_include_every_csharp_sample_from_an_existing_source_file()
    {
        var root = PrivateCluster.RepositoryRoot();
        var samples = Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
            .SelectMany(page => CSharpBlock().Matches(File.ReadAllText(page)).Select(block => (Page: Path.GetFileName(page), Body: block.Groups[1].Value.Trim())))
            .ToList();

        samples.ShouldNotBeEmpty();
        foreach (var (page, body) in samples)
        {
            var include = SnippetInclude().Match(body);
            include.Success.ShouldBeTrue($"{page} has a C# sample written by hand: include the source file with --8<-- instead");
            File.Exists(Path.Combine(root, include.Groups[1].Value)).ShouldBeTrue($"{page} includes {include.Groups[1].Value}, which does not exist");
        }
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^--8<-- ""([^""]+)""$")]
    private static partial Regex SnippetInclude();
}
