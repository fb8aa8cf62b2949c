namespace MeshClient.Registry;

/// <summary>How a <see cref="SubjectAltNameMatcher"/> compares its pattern (Envoy's <c>StringMatcher</c> kinds).</summary>
internal enum StringMatchKind
{
    /// <summary>The whole value equals the pattern.</summary>
    Exact,

    /// <summary>The value starts with the pattern.</summary>
    Prefix,

    /// <summary>The value ends with the pattern.</summary>
    Suffix,

    /// <summary>The value contains the pattern.</summary>
    Contains,

    /// <summary>The whole value matches the pattern as a regular expression.</summary>
    Regex,
}
