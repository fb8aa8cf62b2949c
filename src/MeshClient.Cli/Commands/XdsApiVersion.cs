namespace MeshClient.Cli.Commands;

/// <summary>
/// The xDS API version of <c>--xds v2|v3</c>. The values equal those of <c>MeshClient.Xds.XdsVersion</c>, so the
/// Pilot adapter converts with a cast.
/// </summary>
internal enum XdsApiVersion
{
    /// <summary>xDS v2: Pilot 1.0 to 1.7.</summary>
    V2 = 2,

    /// <summary>xDS v3: istiod 1.8 and later; the default.</summary>
    V3 = 3,
}
