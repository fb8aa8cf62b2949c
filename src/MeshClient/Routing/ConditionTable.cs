namespace MeshClient.Routing;

/// <summary>
/// The header conditions of a service's rules as one flat table, evaluated once per decision while the headers are
/// read: each condition sets its bit when it holds, and a rule's header conditions hold when all of its bits
/// are set. No header value is kept and no rule walk tests a header. Built only when every condition is cheap and
/// exact to evaluate ahead (no regex that runs; a regex that is a set of literals is a lookup) and each tests one of the
/// snapshot's names; otherwise rules are tested one by one (<see cref="HeaderSnapshot"/>).
/// </summary>
internal sealed class ConditionTable
{
    /// <summary>The most conditions one table holds (a bit each).</summary>
    internal const int MaxConditions = 64;

    private readonly string[] _names;
    private readonly int _integerSlots;
    private readonly HeaderCondition[] _conditions;
    private readonly ulong[] _bits;

    /// <summary>Where each slot's conditions start in <see cref="_conditions"/>; one more entry than slots.</summary>
    private readonly int[] _starts;

    private ConditionTable(string[] names, int integerSlots, HeaderCondition[] conditions, ulong[] bits, int[] starts, ulong[] ruleMasks)
    {
        _names = names;
        _integerSlots = integerSlots;
        _conditions = conditions;
        _bits = bits;
        _starts = starts;
        RuleMasks = ruleMasks;
    }

    /// <summary>For each rule (in the order given), the bits of its header conditions; 0 for a rule without any.</summary>
    public ulong[] RuleMasks { get; }

    /// <summary>The number of conditions.</summary>
    public int Count => _conditions.Length;

    /// <summary>
    /// The table of <paramref name="rules"/> (their header slots assigned among <paramref name="names"/>), or
    /// <see langword="null"/> when a condition runs a regex, reads a header outside the snapshot's names, or there are
    /// more than <see cref="MaxConditions"/> conditions.
    /// </summary>
    public static ConditionTable? TryCreate(RulePlan[] rules, string[] names, int integerSlots)
    {
        var listed = new List<(int Slot, HeaderCondition Condition)>();
        var ruleMasks = new ulong[rules.Length];
        for (var r = 0; r < rules.Length; r++)
        {
            if (rules[r].Match is not { } match || match.Headers.IsEmpty)
            {
                continue;
            }

            var slots = rules[r].HeaderSlots!;
            for (var i = 0; i < slots.Length; i++)
            {
                var condition = match.Headers[i];
                if (slots[i] < 0 || condition.RunsRegex)
                {
                    return null;
                }

                if (listed.Count == MaxConditions)
                {
                    return null;
                }

                // Each rule's conditions are its own objects: one bit each.
                ruleMasks[r] |= 1UL << listed.Count;
                listed.Add((slots[i], condition));
            }
        }

        // Ordered by slot (a stable sort), so a header's conditions are one run; the bits stay those given above.
        var order = Enumerable.Range(0, listed.Count).OrderBy(i => listed[i].Slot).ToArray();
        var conditions = order.Select(i => listed[i].Condition).ToArray();
        var bits = order.Select(i => 1UL << i).ToArray();
        var starts = new int[names.Length + 1];
        for (var slot = 0; slot < names.Length; slot++)
        {
            starts[slot + 1] = starts[slot] + listed.Count(d => d.Slot == slot);
        }

        return new ConditionTable(names, integerSlots, conditions, bits, starts, ruleMasks);
    }

    /// <summary>
    /// The bits of the conditions that hold for <paramref name="headers"/>, each header read once
    /// (<see cref="HttpRequestHeadersReader"/> in one pass over the stored headers).
    /// </summary>
    public ulong Evaluate<THeaders>(in THeaders headers)
        where THeaders : IRouteHeaders, allows ref struct
    {
        var sink = new Sink(this);
        HeaderValueReading.Read(headers, _names, ref sink);
        return sink.Satisfied;
    }

    /// <summary>The bits of the conditions on the header at <paramref name="slot"/> that <paramref name="value"/> meets; a value bounds test is parsed once.</summary>
    internal ulong EvaluateSlot(int slot, ReadOnlySpan<char> value)
    {
        var isInteger = false;
        long integer = 0;
        if ((_integerSlots & (1 << slot)) != 0)
        {
            isInteger = HeaderCondition.TryParseInteger(value, out integer);
        }

        ulong satisfied = 0;
        var conditions = _conditions;
        var bits = _bits;
        for (var i = _starts[slot]; i < _starts[slot + 1]; i++)
        {
            if (conditions[i].Matches(value, isInteger, integer))
            {
                satisfied |= bits[i];
            }
        }

        return satisfied;
    }

    /// <summary>Collects the bits of the conditions met while the headers are read.</summary>
    private struct Sink(ConditionTable table) : IHeaderValueSink
    {
        public ulong Satisfied;

        public void Accept(int slot, ReadOnlySpan<char> value) => Satisfied |= table.EvaluateSlot(slot, value);
    }
}
