using System.Text;

namespace MeshClient.Cli.Output;

/// <summary>
/// A plain-text table like kubectl's and istioctl's: a header row, columns padded to their widest cell and separated
/// by two spaces, no trailing spaces.
/// </summary>
internal sealed class TextTable
{
    private const string Gap = "  ";
    private readonly TextColumn[] _columns;
    private readonly List<string[]> _rows = [];

    public TextTable(params TextColumn[] columns)
    {
        _columns = columns;
    }

    public int RowCount => _rows.Count;

    /// <summary>Adds a row; it must have one cell per column.</summary>
    public void AddRow(params string[] cells)
    {
        if (cells.Length != _columns.Length)
        {
            throw new ArgumentException($"A row needs {_columns.Length} cells, not {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = new int[_columns.Length];
        for (var i = 0; i < _columns.Length; i++)
        {
            widths[i] = _columns[i].Header.Length;
            foreach (var row in _rows)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        WriteRow(writer, widths, _columns.Select(c => c.Header).ToArray(), header: true);
        foreach (var row in _rows)
        {
            WriteRow(writer, widths, row, header: false);
        }
    }

    private void WriteRow(TextWriter writer, int[] widths, string[] cells, bool header)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append(Gap);
            }

            var padding = widths[i] - cells[i].Length;
            if (_columns[i].AlignRight && !header)
            {
                line.Append(' ', padding).Append(cells[i]);
            }
            else
            {
                line.Append(cells[i]).Append(' ', padding);
            }
        }

        writer.WriteLine(line.ToString().TrimEnd());
    }
}
