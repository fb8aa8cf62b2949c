using System.Collections.Immutable;

namespace MeshClient.Routing;

/// <summary>
/// The conditions of a rule's match block (or of the source template it refers to). Every condition must hold.
/// </summary>
internal sealed class RouteMatch
{
    public RouteMatch(string? source, TagSet? sourceTags, ImmutableArray<HeaderCondition> headers, string? referredTemplate)
    {
        Source = source;
        SourceTags = sourceTags;
        Headers = headers.IsDefault ? [] : headers;
        ReferredTemplate = referredTemplate;
    }

    /// <summary>The caller's service name, compared case-insensitively; <see langword="null"/> for any caller.</summary>
    public string? Source { get; }

    /// <summary>Tags the caller's own tags must contain; <see langword="null"/> for any.</summary>
    public TagSet? SourceTags { get; }

    public ImmutableArray<HeaderCondition> Headers { get; }

    /// <summary>The source template this match was taken from, for explanations.</summary>
    public string? ReferredTemplate { get; }

    public RouteMatch WithReferredTemplate(string name) => new(Source, SourceTags, Headers, name);

    public bool Matches<THeaders>(in RouteRequest request, in THeaders headers)
        where THeaders : IRouteHeaders, allows ref struct =>
        Matches(request, headers, default, null);

    /// <summary>Whether the call matches, taking the values of headers with a slot from <paramref name="snapshot"/>.</summary>
    /// <param name="request">The call.</param>
    /// <param name="headers">Its headers.</param>
    /// <param name="snapshot">Header values read once for the decision.</param>
    /// <param name="slots">Each condition's slot in <paramref name="snapshot"/> (-1: read it from the headers); <see langword="null"/> for none.</param>
    public bool Matches<THeaders>(in RouteRequest request, in THeaders headers, in HeaderSnapshot snapshot, int[]? slots)
        where THeaders : IRouteHeaders, allows ref struct
    {
        if (!MatchesSource(request))
        {
            return false;
        }

        var conditions = Headers.AsSpan();
        for (var i = 0; i < conditions.Length; i++)
        {
            var condition = conditions[i];
            var slot = slots is not null ? slots[i] : -1;
            if (slot >= 0 ? !snapshot.Has(slot) || !condition.Matches(snapshot.Value(slot), snapshot.IsInteger(slot), snapshot.Integer(slot)) : !MatchesDirect(condition, headers))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the call's caller is the one <see cref="Source"/> and <see cref="SourceTags"/> ask for (true when they ask for none).</summary>
    public bool MatchesSource(in RouteRequest request) =>
        (Source is null
            || (request.SourceService is not null && string.Equals(Source, request.SourceService, StringComparison.OrdinalIgnoreCase)))
        && (SourceTags is null || (request.SourceTags is not null && SourceTags.IsSatisfiedBy(request.SourceTags)));

    /// <summary>
    /// Reads the condition's header from the headers themselves (a rule over more distinct names than the snapshot
    /// keeps). Apart from the slot path, so the snapshot's values stay in registers there rather than in a local the
    /// reader writes through (passing such a span on costs a store-forwarding stall per condition).
    /// </summary>
    private static bool MatchesDirect<THeaders>(HeaderCondition condition, in THeaders headers)
        where THeaders : IRouteHeaders, allows ref struct =>
        headers.TryGetValue(condition.Name, out var value) && condition.Matches(value);
}
