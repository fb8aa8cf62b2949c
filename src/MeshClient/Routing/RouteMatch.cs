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
        if (Source is not null
            && (request.SourceService is null || !string.Equals(Source, request.SourceService, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (SourceTags is not null && (request.SourceTags is null || !SourceTags.IsSatisfiedBy(request.SourceTags)))
        {
            return false;
        }

        var conditions = Headers.AsSpan();
        for (var i = 0; i < conditions.Length; i++)
        {
            var condition = conditions[i];
            ReadOnlySpan<char> value;
            var found = slots is not null && slots[i] >= 0
                ? snapshot.TryGet(slots[i], out value)
                : headers.TryGetValue(condition.Name, out value);
            if (!found || !condition.Matches(value))
            {
                return false;
            }
        }

        return true;
    }
}
