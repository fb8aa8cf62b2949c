using MeshClient.Cli.Output;

namespace MeshClient.Cli.Tests.Output;

public sealed class TextTableTests
{
    [Fact]
    public void Columns_are_padded_to_the_widest_cell_with_numbers_right_aligned_and_no_trailing_spaces()
    {
        var table = new TextTable(new TextColumn("NAME"), new TextColumn("CALLS", AlignRight: true), new TextColumn("NOTE"));
        table.AddRow("v1", "400", "first");
        table.AddRow("remainder", "7", string.Empty);
        using var writer = new StringWriter();

        table.WriteTo(writer);

        Assert.Equal(
            [
                "NAME       CALLS  NOTE",
                "v1           400  first",
                "remainder      7",
                string.Empty,
            ],
            writer.ToString().Split(Environment.NewLine));
    }

    [Fact]
    public void A_row_needs_one_cell_per_column()
    {
        var table = new TextTable(new TextColumn("A"), new TextColumn("B"));
        Assert.Throws<ArgumentException>(() => table.AddRow("only one"));
    }
}
