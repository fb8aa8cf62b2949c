using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MeshClient.Routing;

/// <summary>
/// Reads a YAML text's events once, before the document is built, and refuses what the representation model would
/// choke on or accept silently: nesting deeper than <see cref="YamlLimits.MaxDepth"/>, alias expansion beyond
/// <see cref="YamlLimits.MaxExpandedNodes"/>, and duplicate keys (named with both positions). Iterative: a deep
/// document cannot overflow the stack here.
/// </summary>
internal sealed class YamlPreflight
{
    private readonly string _file;
    private readonly Stack<Frame> _frames = new();
    private readonly Dictionary<string, long> _anchorSizes = new(StringComparer.Ordinal);
    private long _total;

    private YamlPreflight(string file)
    {
        _file = file;
    }

    /// <summary>Checks every document of the event stream.</summary>
    /// <param name="parser">The parser, at the start of the stream.</param>
    /// <param name="file">The file name for errors.</param>
    /// <exception cref="MeshConfigurationException">A limit is exceeded or a key is duplicated.</exception>
    public static void Check(IParser parser, string file)
    {
        var check = new YamlPreflight(file);
        while (parser.MoveNext())
        {
            check.On(parser.Current!);
        }
    }

    private void On(ParsingEvent e)
    {
        switch (e)
        {
            case DocumentStart:
                _anchorSizes.Clear();
                break;
            case MappingStart mapping:
                Open(e, mapping.Anchor, isMapping: true);
                break;
            case SequenceStart sequence:
                Open(e, sequence.Anchor, isMapping: false);
                break;
            case MappingEnd or SequenceEnd:
                var frame = _frames.Pop();
                if (!frame.Anchor.IsEmpty)
                {
                    _anchorSizes[frame.Anchor.Value] = frame.Size;
                }

                Completed(e, null);
                break;
            case Scalar scalar:
                if (!scalar.Anchor.IsEmpty)
                {
                    _anchorSizes[scalar.Anchor.Value] = 1;
                }

                Add(e, 1);
                Completed(e, scalar.Value);
                break;
            case AnchorAlias alias:
                // An unknown anchor is left to the document builder, which names it.
                var size = _anchorSizes.TryGetValue(alias.Value.Value, out var known) ? known : 1;
                Add(e, size);
                Completed(e, null);
                break;
        }
    }

    private void Open(ParsingEvent e, AnchorName anchor, bool isMapping)
    {
        if (_frames.Count >= YamlLimits.MaxDepth)
        {
            throw Error(e, $"nesting deeper than {YamlLimits.MaxDepth} levels");
        }

        Add(e, 1);
        _frames.Push(new Frame(anchor, isMapping));
    }

    private void Add(ParsingEvent e, long nodes)
    {
        _total += nodes;
        foreach (var frame in _frames)
        {
            frame.Size += nodes;
        }

        if (_total > YamlLimits.MaxExpandedNodes)
        {
            throw Error(e, $"the document expands to more than {YamlLimits.MaxExpandedNodes} nodes (aliases expanded); refused as an alias bomb");
        }
    }

    private void Completed(ParsingEvent e, string? scalarKey)
    {
        if (!_frames.TryPeek(out var parent) || !parent.IsMapping)
        {
            return;
        }

        if (parent.ExpectingKey && scalarKey is not null)
        {
            if (parent.Keys.TryGetValue(scalarKey, out var first))
            {
                throw Error(e, string.Create(
                    CultureInfo.InvariantCulture,
                    $"duplicate key '{scalarKey}' (first at line {first.Line}, column {first.Column})"));
            }

            parent.Keys[scalarKey] = e.Start;
        }

        parent.ExpectingKey = !parent.ExpectingKey;
    }

    private MeshConfigurationException Error(ParsingEvent e, string reason) =>
        new(_file, (int)Math.Min(e.Start.Line, int.MaxValue), (int)Math.Min(e.Start.Column, int.MaxValue), reason);

    private sealed class Frame(AnchorName anchor, bool isMapping)
    {
        public AnchorName Anchor { get; } = anchor;

        public bool IsMapping { get; } = isMapping;

        public long Size { get; set; }

        public bool ExpectingKey { get; set; } = true;

        public Dictionary<string, Mark> Keys { get; } = new(StringComparer.Ordinal);
    }
}
