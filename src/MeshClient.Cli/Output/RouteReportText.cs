using System.Globalization;
using MeshClient.Cli.Distribution;
using MeshClient.Routing;

namespace MeshClient.Cli.Output;

/// <summary>
/// The text output of <c>meshctl route</c>: the service and the matched rule, a table of tag sets with counts,
/// shares and a bar, the calls that found no endpoint, and a table of endpoints.
/// </summary>
internal static class RouteReportText
{
    /// <summary>The bar of a 100 % share is this many characters.</summary>
    public const int BarWidth = 40;

    public static void Write(TextWriter writer, string target, RouteDistribution distribution)
    {
        var calls = distribution.Calls;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Service: {target}, {calls} {(calls == 1 ? "call" : "calls")}"));
        if (distribution.Rules.Count == 1)
        {
            writer.WriteLine($"Rule:    {RuleText(distribution.Rules[0])}");
        }
        else
        {
            writer.WriteLine("Rules:");
            foreach (var rule in distribution.Rules)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {RuleText(rule)}: {rule.Count} calls"));
            }
        }

        writer.WriteLine();
        var subsets = new TextTable(
            new TextColumn("SUBSET"),
            new TextColumn("TAGS"),
            new TextColumn("CALLS", AlignRight: true),
            new TextColumn("SHARE", AlignRight: true),
            new TextColumn(string.Empty));
        foreach (var subset in distribution.Subsets)
        {
            subsets.AddRow(
                subset.Subset ?? "-",
                TagsText(subset),
                subset.Count.ToString(CultureInfo.InvariantCulture),
                Share(subset.Count, calls),
                Bar(subset.Count, calls));
        }

        subsets.WriteTo(writer);
        foreach (var subset in distribution.Subsets.Where(s => s.Failed > 0))
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {subset.Failed} of the calls to {TagsText(subset)} found no routable endpoint"));
        }

        if (distribution.Failures.Count > 0)
        {
            writer.WriteLine();
            foreach (var failure in distribution.Failures)
            {
                writer.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"No endpoint: {failure.Count} {(failure.Count == 1 ? "call" : "calls")} ({Share(failure.Count, calls)}), {FailureText(failure.Reason)}"));
            }
        }

        writer.WriteLine();
        if (distribution.Endpoints.Count == 0)
        {
            writer.WriteLine("No call got an endpoint.");
            return;
        }

        // Priorities show when calls reached a level other than 0 (spill-over, failover).
        var priorities = distribution.HasPriorities;
        TextColumn[] columns = priorities
            ? [new("ENDPOINT"), new("PRIORITY", AlignRight: true), new("CALLS", AlignRight: true), new("SHARE", AlignRight: true)]
            : [new("ENDPOINT"), new("CALLS", AlignRight: true), new("SHARE", AlignRight: true)];
        var endpoints = new TextTable(columns);
        foreach (var endpoint in distribution.Endpoints)
        {
            var address = endpoint.Address.Contains(':', StringComparison.Ordinal) ? $"[{endpoint.Address}]" : endpoint.Address;
            var name = string.Create(CultureInfo.InvariantCulture, $"{address}:{endpoint.Port}");
            var count = endpoint.Count.ToString(CultureInfo.InvariantCulture);
            if (priorities)
            {
                endpoints.AddRow(name, endpoint.Priority.ToString(CultureInfo.InvariantCulture), count, Share(endpoint.Count, calls));
            }
            else
            {
                endpoints.AddRow(name, count, Share(endpoint.Count, calls));
            }
        }

        endpoints.WriteTo(writer);
    }

    public static string RuleText(RuleCount rule) =>
        rule.Matched
            ? string.Create(CultureInfo.InvariantCulture, $"{rule.Number} (precedence {rule.Precedence})")
            : "no rule matched (every routable endpoint)";

    /// <summary><c>40.0%</c>.</summary>
    public static string Share(int count, int calls) =>
        (calls == 0 ? 0 : count * 100.0 / calls).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A bar of <c>#</c>, <see cref="BarWidth"/> long for every call, at least one for any call.</summary>
    public static string Bar(int count, int calls)
    {
        if (calls == 0 || count == 0)
        {
            return string.Empty;
        }

        var length = Math.Max(1, (int)Math.Round(count * (double)BarWidth / calls, MidpointRounding.AwayFromZero));
        return new string('#', length);
    }

    private static string TagsText(SubsetCount subset)
    {
        var tags = subset.Tags.Count == 0 ? "(any)" : string.Join(',', subset.Tags.Select(t => $"{t.Key}={t.Value}"));
        return subset.IsRemainder ? tags + " (remainder)" : tags;
    }

    private static string FailureText(RouteFailure failure) => failure switch
    {
        RouteFailure.NoEndpointWithTags => "no routable endpoint carries the chosen tags",
        RouteFailure.NoRoutableEndpoints => "the service has no routable endpoint",
        RouteFailure.ServiceNotFound => "the registry has no such service",
        RouteFailure.PortNotSpecified => "the service has several ports and none was named",
        _ => failure.ToString(),
    };
}
