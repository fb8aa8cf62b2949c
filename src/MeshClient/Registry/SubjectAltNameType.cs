namespace MeshClient.Registry;

/// <summary>Which kind of subject alternative name a matcher compares with (RFC 5280 GeneralName).</summary>
internal enum SubjectAltNameType
{
    /// <summary>Any kind: Envoy's untyped <c>match_subject_alt_names</c>.</summary>
    Any = 0,

    /// <summary>An e-mail address (rfc822Name).</summary>
    Email = 1,

    /// <summary>A DNS name.</summary>
    Dns = 2,

    /// <summary>A URI, such as a SPIFFE identity <c>spiffe://cluster.local/ns/default/sa/reviews</c>.</summary>
    Uri = 3,

    /// <summary>An IP address, in its textual form.</summary>
    IpAddress = 4,
}
